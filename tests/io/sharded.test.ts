import { describe, expect, it } from 'vitest';
import { fromBytes, fromText, listTensors, loadTensor } from '../../src/io';
import { bytesOf, safetensorsBytes } from '../helpers/writers';

const f32 = (...v: number[]) => bytesOf(Float32Array.from(v));
const shard1 = safetensorsBytes([
  { name: 'a.weight', dtype: 'F32', shape: [2, 2], data: f32(1, 2, 3, 4) },
  { name: 'b.weight', dtype: 'F32', shape: [1], data: f32(5) },
]);
const shard2 = safetensorsBytes([{ name: 'c.weight', dtype: 'F32', shape: [3], data: f32(6, 7, 8) }]);
const index = JSON.stringify({
  metadata: { total_size: 32 },
  weight_map: {
    'c.weight': 'model-00002-of-00002.safetensors',
    'a.weight': 'model-00001-of-00002.safetensors',
    'b.weight': 'model-00001-of-00002.safetensors',
  },
});

const sources = [
  fromText('model.safetensors.index.json', index),
  fromBytes('model-00001-of-00002.safetensors', shard1),
  fromBytes('model-00002-of-00002.safetensors', shard2),
];

describe('sharded safetensors', () => {
  it('lists every tensor of every shard, in weight_map order', async () => {
    const listing = await listTensors(sources);
    expect(listing.fileName).toBe('model.safetensors.index.json');
    expect(listing.tensors.map((t) => [t.name, t.location.file])).toEqual([
      ['c.weight', 'model-00002-of-00002.safetensors'],
      ['a.weight', 'model-00001-of-00002.safetensors'],
      ['b.weight', 'model-00001-of-00002.safetensors'],
    ]);
    expect(listing.metadata).toMatchObject({ total_size: '32', shards: '2' });
  });

  it('loads a tensor from the shard that holds it, whatever order the files come in', async () => {
    const reversed = [...sources].reverse();
    const listing = await listTensors(reversed);
    expect(Array.from((await loadTensor(reversed, listing, 'c.weight')).data)).toEqual([6, 7, 8]);
    expect(Array.from((await loadTensor(reversed, listing, 'a.weight')).data)).toEqual([1, 2, 3, 4]);
  });

  it('names the shard files that were not given', async () => {
    await expect(listTensors(sources.slice(0, 2))).rejects.toMatchObject({
      code: 'missing-file',
      message: expect.stringContaining('model-00002-of-00002.safetensors'),
    });
  });

  it('rejects an index that puts a tensor in a shard that lacks it', async () => {
    const lying = JSON.stringify({ weight_map: { 'z.weight': 'model-00002-of-00002.safetensors' } });
    await expect(
      listTensors([fromText('model.safetensors.index.json', lying), sources[2]]),
    ).rejects.toMatchObject({
      message: expect.stringContaining('"z.weight"'),
    });
  });

  it('rejects an index without a weight_map', async () => {
    await expect(
      listTensors([fromText('model.safetensors.index.json', '{"metadata": {}}'), sources[1]]),
    ).rejects.toMatchObject({
      message: expect.stringContaining('weight_map'),
    });
  });

  it('opens several shards without their index as the union of their tensors', async () => {
    const listing = await listTensors(sources.slice(1));
    expect(listing.tensors.map((t) => t.name)).toEqual(['a.weight', 'b.weight', 'c.weight']);
  });

  it('refuses two files that both hold a tensor of the same name', async () => {
    await expect(listTensors([sources[1], fromBytes('copy.safetensors', shard1)])).rejects.toMatchObject({
      message: expect.stringContaining('"a.weight" is also in model-00001-of-00002.safetensors'),
    });
  });

  it('refuses a mix of formats', async () => {
    await expect(listTensors([sources[1], fromText('x.csv', '1,2\n')])).rejects.toMatchObject({
      code: 'unsupported',
    });
  });
});
