// PLACEHOLDER: replaced by the reference data module.
export async function loadReferenceData() {
  return {};
}
export type ReferenceData = Awaited<ReturnType<typeof loadReferenceData>>;
