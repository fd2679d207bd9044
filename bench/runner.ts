// PLACEHOLDER
export async function runBenchmarks(_options: { json: boolean; only: string[] | null }): Promise<void> {}
