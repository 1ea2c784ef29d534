/**
 * Streams an array's raw element bytes (in storage order) into the kept rows of a row-major Float32Array.
 * Used where the bytes of one row are not contiguous in the file: NumPy Fortran-order arrays
 * (column-major, so they are transposed into row-major here) and deflated .npz entries (which can only be
 * read front to back). Memory stays at the size of the output plus one chunk.
 */
import { decodeElements, ELEMENT_SIZES, type ElementType } from './dtypes';
import { keptIndexOfRow, type RowPlan } from './sampling';

export class ElementScatter {
  /** keptRows × cols, row-major. */
  readonly out: Float32Array;
  private readonly itemSize: number;
  private readonly total: number;
  private seen = 0;
  private pending = new Uint8Array(0);
  private temp = new Float32Array(0);
  // C order: current row and column. F order: current row (fastest) and the multi-index of the other dims.
  private row = 0;
  private col = 0;
  private keptOfRow: number;
  private readonly rest: number[];
  private readonly restStrides: number[];
  private readonly restIndex: number[];
  private readonly rowLookup: Int32Array | null;
  /** 0-D and 1-D arrays are one row whatever their order (shapeAs2D), so they scatter as C order. */
  private readonly order: 'C' | 'F';

  /**
   * @param shape the array's shape (NumPy order, outermost first); rows = shape[0], the rest flattened
   * @param order 'C' (row-major storage) or 'F' (column-major storage: the first index varies fastest)
   * @param allocate the output's keptRows × cols values (LoadOptions.allocate); a new array by default
   */
  constructor(
    shape: readonly number[],
    order: 'C' | 'F',
    private readonly plan: RowPlan,
    private readonly type: ElementType,
    private readonly littleEndian: boolean,
    allocate?: (rows: number, cols: number) => Float32Array,
  ) {
    this.order = shape.length < 2 ? 'C' : order;
    this.itemSize = ELEMENT_SIZES[type];
    this.total = plan.totalRows * plan.cols;
    this.out = allocate ? allocate(plan.keptRows, plan.cols) : new Float32Array(plan.keptRows * plan.cols);
    this.rest = shape.length <= 1 ? [] : shape.slice(1);
    // Row-major stride of each trailing dim inside a row (its column step).
    this.restStrides = this.rest.map((_, k) => this.rest.slice(k + 1).reduce((a, b) => a * b, 1));
    this.restIndex = this.rest.map(() => 0);
    // In F order the row index cycles fastest, so a row → kept-index table pays off when it is small.
    this.rowLookup =
      this.order === 'F' && plan.sampled && plan.totalRows <= 1 << 22
        ? Int32Array.from({ length: plan.totalRows }, (_, r) =>
            keptIndexOfRow(r, plan.keptRows, plan.totalRows),
          )
        : null;
    this.keptOfRow = this.keptIndex(0);
  }

  /** True once every element has been received. */
  get done(): boolean {
    return this.seen >= this.total;
  }

  /** Feeds the next bytes of the element stream; bytes past the last element are ignored. */
  push(chunk: Uint8Array): void {
    if (this.done || chunk.length === 0) return;
    let bytes = chunk;
    if (this.pending.length > 0) {
      bytes = new Uint8Array(this.pending.length + chunk.length);
      bytes.set(this.pending);
      bytes.set(chunk, this.pending.length);
    }
    const count = Math.min(Math.floor(bytes.length / this.itemSize), this.total - this.seen);
    const used = count * this.itemSize;
    this.pending = this.seen + count < this.total ? bytes.slice(used) : new Uint8Array(0);
    if (count === 0) return;
    if (this.temp.length < count) this.temp = new Float32Array(count);
    decodeElements(this.type, bytes, 0, count, this.littleEndian, this.temp, 0);
    if (this.order === 'C') this.scatterC(count);
    else this.scatterF(count);
    this.seen += count;
  }

  private keptIndex(r: number): number {
    if (this.rowLookup) return this.rowLookup[r];
    return keptIndexOfRow(r, this.plan.keptRows, this.plan.totalRows);
  }

  private scatterC(count: number): void {
    const { cols } = this.plan;
    const temp = this.temp;
    let i = 0;
    while (i < count) {
      const take = Math.min(cols - this.col, count - i);
      if (this.keptOfRow >= 0) {
        this.out.set(temp.subarray(i, i + take), this.keptOfRow * cols + this.col);
      }
      i += take;
      this.col += take;
      if (this.col === cols) {
        this.col = 0;
        this.row++;
        if (this.row < this.plan.totalRows) this.keptOfRow = this.keptIndex(this.row);
      }
    }
  }

  private scatterF(count: number): void {
    const { cols, totalRows } = this.plan;
    const temp = this.temp;
    for (let i = 0; i < count; i++) {
      const k = this.rowLookup ? this.rowLookup[this.row] : this.keptIndex(this.row);
      if (k >= 0) this.out[k * cols + this.col] = temp[i];
      this.row++;
      if (this.row === totalRows) {
        this.row = 0;
        this.advanceRest();
      }
    }
  }

  /** Next column in F order: the first trailing dim varies fastest; `col` tracks its row-major position. */
  private advanceRest(): void {
    for (let d = 0; d < this.rest.length; d++) {
      this.restIndex[d]++;
      this.col += this.restStrides[d];
      if (this.restIndex[d] < this.rest[d]) return;
      this.col -= this.restIndex[d] * this.restStrides[d];
      this.restIndex[d] = 0;
    }
  }
}
