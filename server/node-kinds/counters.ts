/** A counter read from a store's stats text: its number, or 0 when it is missing or not a number. */
export const counterValue = (v: string | undefined): number => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};
