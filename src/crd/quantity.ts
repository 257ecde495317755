/**
 * Kubernetes resource quantities ("10Gi", "500m", "1e3"), just enough to validate them and to
 * compare two of them exactly (the storage-never-shrinks rule).
 */

/** The quantity grammar of k8s.io/apimachinery, as controller-gen writes it into CRDs. */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

const QUANTITY_RE = new RegExp(QUANTITY_PATTERN);

const BINARY_SHIFT: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_EXPONENT: Record<string, number> = {
  n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18,
};

/** Below this many decimal places two quantities compare as equal (nano, as Kubernetes rounds). */
const NANO_DIGITS = 9;

export function isQuantity(value: string): boolean {
  return QUANTITY_RE.test(value);
}

/**
 * The quantity in nano-units as a BigInt (exact for every suffix), or null when it is not a
 * quantity. Numbers given as integers (int-or-string fields) are accepted too.
 */
export function quantityToNanos(value: string | number): bigint | null {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  const text = String(value);
  if (!isQuantity(text)) return null;
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/.exec(text);
  if (!match) return null;
  const [, sign = '', whole = '', fraction = '', suffix = ''] = match;
  let mantissa = BigInt(`${whole}${fraction}` || '0');
  let exponent = -fraction.length + NANO_DIGITS;
  let shift = 0;
  if (suffix in BINARY_SHIFT) shift = BINARY_SHIFT[suffix] ?? 0;
  else if (suffix in DECIMAL_EXPONENT) exponent += DECIMAL_EXPONENT[suffix] ?? 0;
  else {
    const decimalExponent = Number(suffix.slice(1)); // e/E notation
    if (!Number.isInteger(decimalExponent)) return null;
    exponent += decimalExponent;
  }
  mantissa <<= BigInt(shift);
  const scaled = exponent >= 0 ? mantissa * 10n ** BigInt(exponent) : mantissa / 10n ** BigInt(-exponent);
  return sign === '-' ? -scaled : scaled;
}

/** -1, 0 or 1 as `a` is smaller than, equal to or larger than `b`; null if either is invalid. */
export function compareQuantities(a: string | number, b: string | number): number | null {
  const left = quantityToNanos(a);
  const right = quantityToNanos(b);
  if (left === null || right === null) return null;
  return left < right ? -1 : left > right ? 1 : 0;
}
