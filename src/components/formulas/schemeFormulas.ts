/**
 * The formulas of a scheme as TeX, with the current numbers substituted (α, Δ, z, qmin/qmax of the selected
 * group), in both spellings students meet (step Δ with q = round(x/Δ), multiplier s with q = round(s·x)), plus
 * a plain-language explanation. The formats' constants (element maxima, block sizes, MX exponents) come from their
 * records in the format registry (core/formats/registry.ts), never restated here. Definitions: shared guide SEMANTICS.md. Pure: no DOM, no KaTeX (Formula.tsx
 * typesets the strings).
 */
import { formatRecord } from '../../core/formats';
import type { BlockFormatId, IntegerScheme, Rounding, Scheme } from '../../core/scheme';
import type { GroupInfo } from '../../core/view';

/** One typeset line, optionally captioned ("the same scheme written with a multiplier"). */
export interface FormulaLine {
  tex: string;
  caption?: string;
}

export interface SchemeFormulas {
  /** A short name of the family, e.g. "Absmax (symmetric)". */
  title: string;
  /** The definition with numbers, line by line. */
  lines: FormulaLine[];
  /** The other spelling of the same scheme (integer schemes), or empty. */
  alternative: FormulaLine[];
  /** Plain words: what the formulas do and what to notice. */
  explanation: string;
}

/** The numbers substituted: the selected group's parameters and which group it is. */
export interface FormulaNumbers {
  group: GroupInfo;
  groupCount: number;
}

/**
 * A number as TeX with 5 significant digits: 0.0033071, 127, -1.5\times10^{-5}. Non-finite values as \infty.
 * E.g. texNumber(1.23456e-7) → "1.2346\times10^{-7}".
 */
export function texNumber(value: number): string {
  if (Number.isNaN(value)) return '\\mathrm{NaN}';
  if (!Number.isFinite(value)) return value > 0 ? '\\infty' : '-\\infty';
  if (value === 0) return '0';
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e6) return String(Number(value.toPrecision(5)));
  const [mantissa, exponent] = value.toExponential(4).split('e');
  return `${String(Number(mantissa))}\\times10^{${Number(exponent)}}`;
}

/** The rounding operator of a scheme in TeX: round (to nearest even), ⌊·⌋, or ⌊· + u⌋. */
function roundOf(rounding: Rounding, inner: string): string {
  switch (rounding.kind) {
    case 'halfEven':
      return `\\operatorname{round}\\!\\left(${inner}\\right)`;
    case 'halfAway':
      return `\\operatorname{round}_{\\text{away}}\\!\\left(${inner}\\right)`;
    case 'floor':
      return `\\left\\lfloor ${inner} \\right\\rfloor`;
    case 'stochastic':
      return `\\left\\lfloor ${inner} + u \\right\\rfloor`;
  }
}

const ROUNDING_WORDS: Record<Rounding['kind'], string> = {
  halfEven: 'round to the nearest integer (ties to even, as torch.round)',
  halfAway: 'round to the nearest integer (ties away from zero, as C roundf)',
  floor: 'round down (floor)',
  stochastic:
    'round down after adding a seeded uniform u in [0, 1): up with probability equal to the fraction',
};

function groupWords(n: FormulaNumbers): string {
  return n.groupCount > 1 ? ` Numbers are those of group ${n.group.index} of ${n.groupCount}.` : '';
}

function absmaxFormulas(scheme: IntegerScheme, n: FormulaNumbers): SchemeFormulas {
  const qmax = 2 ** (scheme.bits - 1) - 1;
  const qmin = scheme.fullRange ? -(2 ** (scheme.bits - 1)) : -qmax;
  const step = n.group.scale;
  // The group's range is [−α, α] (SEMANTICS.md: Δ = α / qmax), so α = qmax·Δ up to float32 rounding of Δ.
  const alpha = Math.max(Math.abs(n.group.lo), Math.abs(n.group.hi));
  const clipped = scheme.clipping.kind !== 'none';
  const q = roundOf(scheme.rounding, 'x / \\Delta');
  const qs = roundOf(scheme.rounding, 's\\,x');
  return {
    title: 'Absmax (symmetric)',
    lines: [
      {
        tex: `\\alpha = ${clipped ? '\\text{clip threshold}' : '\\max_i |x_i|'} = ${texNumber(alpha)},\\qquad q_{\\max} = 2^{${scheme.bits}-1}-1 = ${qmax}`,
      },
      {
        tex: `\\Delta = \\frac{\\alpha}{q_{\\max}} = \\frac{${texNumber(alpha)}}{${qmax}} = ${texNumber(step)}`,
      },
      { tex: `q = \\operatorname{clamp}\\!\\big(${q},\\ ${qmin},\\ ${qmax}\\big)` },
      { tex: `\\hat x = q\\,\\Delta` },
    ],
    alternative: [
      {
        tex: `s = \\frac{q_{\\max}}{\\alpha} = \\frac{${qmax}}{${texNumber(alpha)}} = ${texNumber(qmax / alpha)}`,
        caption: 'The same scheme written with a multiplier s = 1/Δ (as in many tutorials).',
      },
      { tex: `q = ${qs},\\qquad \\hat x = \\frac{q}{s}` },
    ],
    explanation: `The largest magnitude α is mapped to the largest code ${qmax} and 0 to the code 0, so the grid is symmetric: levels at multiples of Δ from −${qmax}Δ to ${qmax}Δ${qmin !== -qmax ? ` (and one more at ${qmin}Δ)` : ''}. Each value is divided by Δ, ${ROUNDING_WORDS[scheme.rounding.kind]}, and multiplied back. Inside the range the error is at most Δ/2${scheme.rounding.kind === 'floor' || scheme.rounding.kind === 'stochastic' ? ' for rounding to nearest, up to Δ here' : ''}.${groupWords(n)}`,
  };
}

function zeroPointFormulas(scheme: IntegerScheme, n: FormulaNumbers): SchemeFormulas {
  const levels = 2 ** scheme.bits - 1;
  const qmin = -(2 ** (scheme.bits - 1));
  const qmax = 2 ** (scheme.bits - 1) - 1;
  const { lo, hi, scale: step, zeroPoint: z } = n.group;
  const clipped = scheme.clipping.kind !== 'none';
  const q = roundOf(scheme.rounding, 'x / \\Delta + z');
  const s = levels / (hi - lo);
  return {
    title: 'Zero-point (asymmetric)',
    lines: [
      {
        tex: `[\\ell, h] = ${clipped ? '\\text{clip range}' : '[\\min x,\\ \\max x]'} = [${texNumber(lo)},\\ ${texNumber(hi)}]`,
      },
      {
        tex: `\\Delta = \\frac{h-\\ell}{2^{${scheme.bits}}-1} = \\frac{${texNumber(hi - lo)}}{${levels}} = ${texNumber(step)}`,
      },
      { tex: `z = \\operatorname{round}(-\\ell/\\Delta) + q_{\\min} = ${texNumber(z)}` },
      { tex: `q = \\operatorname{clamp}\\!\\big(${q},\\ ${qmin},\\ ${qmax}\\big)` },
      { tex: `\\hat x = (q - z)\\,\\Delta` },
    ],
    alternative: [
      {
        tex: `s = \\frac{${levels}}{h-\\ell} = ${texNumber(s)},\\qquad z_p = \\operatorname{round}(-s\\,\\ell - ${-qmin}) = ${texNumber(z)}`,
        caption: 'With a multiplier s = 1/Δ, as the Labonne tutorial writes it.',
      },
      {
        tex: `q = \\operatorname{clamp}\\!\\big(${roundOf(scheme.rounding, 's\\,x + z_p')},\\ ${qmin},\\ ${qmax}\\big),\\qquad \\hat x = \\frac{q - z_p}{s}`,
      },
      {
        tex: `q_u = q + ${-qmin} \\in [0, ${levels}],\\qquad z_u = z + ${-qmin} = ${texNumber(z - qmin)}`,
        caption: `The unsigned view (codes 0..2^b − 1, zero = −round(min/scale)). The engine rounds in the signed view and adds ${-qmin} after rounding, so the dequantized values are the same under every rounding mode.`,
      },
    ],
    explanation: `The range [ℓ, h] is split into ${levels} equal steps Δ, so all ${levels + 1} codes are used even when the data is not centred at 0. The zero point z is the code that represents 0${Math.abs(z) <= qmax ? '' : ' (outside the codes here: 0 is not in the range)'}; values are shifted by z after scaling, ${ROUNDING_WORDS[scheme.rounding.kind]}, clamped, and mapped back with (q − z)Δ.${scheme.includeZero ? ' The range was widened to contain 0, so 0 is exact.' : ''}${groupWords(n)}`,
  };
}

/** A format's name as a TeX operator: "FP8 E4M3" → \operatorname{FP8\ E4M3}. */
function texOperator(name: string): string {
  return `\\operatorname{${name.replace(/ /g, '\\ ')}}`;
}

function blockFormulas(format: BlockFormatId, n: FormulaNumbers): SchemeFormulas {
  const scale = n.group.scale;
  const record = formatRecord(format);
  const { blockSize, elementName, elementMax, elementEmax, blockScaleMax, hasMin } = record.facts;
  const { scaleRule } = record.facts;
  if (
    scaleRule === 'pow2' &&
    elementEmax !== undefined &&
    elementName !== undefined &&
    elementMax !== undefined
  ) {
    // OCP MX: a power-of-two scale per block, floor(log2 amax) − emax_elem (mx.ts)
    return {
      title: `${format.toUpperCase()} (OCP Microscaling)`,
      lines: [
        {
          tex: `X = 2^{\\lfloor \\log_2 \\max_{i\\in\\text{block}} |x_i| \\rfloor - ${elementEmax}} = ${texNumber(scale)}`,
        },
        { tex: `\\hat x = X \\cdot ${texOperator(elementName)}\\!\\left(x / X\\right)` },
      ],
      alternative: [],
      explanation: `Each block of ${blockSize} values along a row shares one power-of-two scale X, stored in 8 bits (E8M0). Each value is divided by X and rounded to the nearest ${elementName} value (largest ${texNumber(elementMax)}, saturating), so the block's largest value can be clipped.${groupWords(n)}`,
    };
  }
  if (scaleRule === 'fp8OverFp32' && blockScaleMax !== undefined && elementMax !== undefined) {
    // NVFP4: an FP8 E4M3 scale per block on top of an FP32 scale per tensor (nvfp4.ts)
    return {
      title: record.label,
      lines: [
        {
          tex: `s_2 = \\frac{\\max|x|}{${elementMax}\\cdot ${blockScaleMax}},\\qquad s = \\operatorname{E4M3}\\!\\left(\\frac{\\max_{\\text{block}}|x|}{${elementMax}\\,s_2}\\right)`,
        },
        {
          tex: `\\hat x = s\\,s_2 \\cdot \\operatorname{E2M1}\\!\\left(\\frac{x}{s\\,s_2}\\right),\\qquad s\\,s_2 = ${texNumber(scale)}`,
        },
      ],
      alternative: [],
      explanation: `Blocks of ${blockSize} values share an FP8 E4M3 scale s, on top of one FP32 scale s₂ per tensor; the elements are FP4 E2M1 (±0, 0.5, 1, 1.5, 2, 3, 4, 6). The FP8 scale follows the block's range more closely than a power of two.${groupWords(n)}`,
    };
  }
  if (scaleRule === 'absmaxCodebook') {
    // NF4: a fixed 16-value codebook scaled by the block's absmax (nf4.ts)
    return {
      title: `${record.label} (QLoRA)`,
      lines: [
        { tex: `a = \\max_{i\\in\\text{block}} |x_i| = ${texNumber(scale)}` },
        { tex: `k = \\arg\\min_j \\left| x/a - c_j \\right|` },
        { tex: `\\hat x = a\\cdot c_k` },
      ],
      alternative: [],
      explanation: `Each block of ${blockSize} values is divided by its absmax a, and each result is replaced by the nearest of ${2 ** record.elementBits} fixed values c_j placed at quantiles of a normal distribution (dense near 0, sparse at ±1).${groupWords(n)}`,
    };
  }
  if (scaleRule === 'ggml') {
    // GGUF (ggml.ts, ggmlK.ts): an FP16 scale d per block, and an FP16 minimum m for the _1 types
    return {
      title: record.label,
      lines: [{ tex: `d = ${texNumber(scale)},\\qquad \\hat x = d\\cdot q${hasMin ? ' + m' : ''}` }],
      alternative: [],
      explanation: `llama.cpp's ${format.toUpperCase()}: blocks of ${blockSize} values with an FP16 scale d${hasMin ? ' and minimum m' : ''}; codes as ggml-quants.c defines them.${groupWords(n)}`,
    };
  }
  // a format with no dedicated lines yet: its scale and its storage, in its record's words
  return {
    title: record.label,
    lines: [{ tex: `s = ${texNumber(scale)},\\qquad \\hat x = s\\cdot q` }],
    alternative: [],
    explanation: `${record.label}: ${record.storage({ kind: 'block', format })}.${groupWords(n)}`,
  };
}

/**
 * The formulas of `scheme` with the numbers of the selected group. E.g. absmax int8 with α = 1:
 * lines "α = max|x| = 1, q_max = 127", "Δ = α/q_max = 1/127 = 0.007874", "q = clamp(round(x/Δ), −127, 127)".
 */
export function formulasOf(scheme: Scheme, n: FormulaNumbers): SchemeFormulas {
  switch (scheme.kind) {
    case 'integer':
      return scheme.method === 'absmax' ? absmaxFormulas(scheme, n) : zeroPointFormulas(scheme, n);
    case 'float': {
      const { facts } = formatRecord(scheme.format);
      const max = facts.elementMax ?? Number.NaN;
      const name = facts.elementName ?? scheme.format;
      if (scheme.scaling === 'none') {
        return {
          title: `${name} (plain cast)`,
          lines: [{ tex: `\\hat x = \\operatorname{${name.replace(/ /g, '\\ ')}}(x)` }],
          alternative: [],
          explanation: `Each value is rounded to the nearest ${name} number (round half to even). The spacing of the numbers grows with their size, so the relative error stays about the same, up to the largest finite value ${texNumber(max)}.`,
        };
      }
      return {
        title: `${name}, scaled per ${scheme.scaling}`,
        lines: [
          { tex: `s = \\frac{\\max|x|}{${texNumber(max)}} = ${texNumber(n.group.scale)}` },
          { tex: `\\hat x = s\\cdot\\operatorname{${name.replace(/ /g, '\\ ')}}\\!\\left(x / s\\right)` },
        ],
        alternative: [],
        explanation: `The ${scheme.scaling === 'group' ? `group of ${scheme.groupSize}` : scheme.scaling}'s largest magnitude is scaled to ${name}'s largest value ${texNumber(max)}; each value is rounded to the nearest ${name} number and scaled back. The grid is dense near 0 and coarse near the maximum.${groupWords(n)}`,
      };
    }
    case 'block':
      return blockFormulas(scheme.format, n);
    case 'kmeans':
      return {
        title: `k-means codebook (${2 ** scheme.bits} centroids)`,
        lines: [{ tex: `\\hat x = c_k,\\qquad k = \\arg\\min_j |x - c_j|` }],
        alternative: [],
        explanation: `Lloyd's k-means places ${2 ** scheme.bits} centroids c_j where the values are (Deep Compression); each value is replaced by its nearest centroid and stored as a ${scheme.bits}-bit index.`,
      };
    case 'binary':
      return {
        title: 'Binary (XNOR-Net)',
        lines: [
          {
            tex: `\\hat x = \\alpha\\,\\operatorname{sign}(x),\\qquad \\alpha = \\operatorname{mean}|x| = ${texNumber(n.group.scale)}`,
          },
        ],
        alternative: [],
        explanation: 'One bit per weight: only the sign is kept, scaled per row by the mean magnitude.',
      };
    case 'ternary':
      return {
        title: 'Ternary (TWN)',
        lines: [
          {
            tex: `\\hat x = \\begin{cases}\\alpha\\,\\operatorname{sign}(x) & |x| > 0.7\\operatorname{mean}|x| \\\\ 0 & \\text{otherwise}\\end{cases}`,
          },
        ],
        alternative: [],
        explanation: 'Three levels per row: −α, 0 and α; small values become 0, the others keep their sign.',
      };
  }
}
