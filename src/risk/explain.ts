// Why the model scored a row as it did: for each feature, how much the log-odds would fall if the
// feature were unknown (missing), as every tree would route it then. A feature changes a tree's
// answer only if it is tested on the row's path through that tree, so each tree is walked again
// once per feature on its path, not once per feature of the model: a few dozen short walks a tree.
import type { GbdtModel, GbdtTree } from './model/gbdt.ts';

function leafOf(tree: GbdtTree, row: ArrayLike<number>, columns: Int32Array, missing: number): number {
  let node = 0;
  for (let feature = tree.feature[node] as number; feature >= 0; feature = tree.feature[node] as number) {
    const x = feature === missing ? Number.NaN : (row[columns[feature] as number] as number);
    const threshold = tree.threshold[node] as number;
    if (x <= threshold) node = tree.left[node] as number;
    else if (x > threshold) node = tree.right[node] as number;
    else node = (tree.missingLeft[node] === 1 ? tree.left[node] : tree.right[node]) as number;
  }
  return node;
}

/**
 * Per model feature, the log-odds of the row less its log-odds with that feature missing;
 * `rowFeatureNames` names the row's columns (matched to the model's by name).
 */
export function contributions(model: GbdtModel, row: ArrayLike<number>, rowFeatureNames: readonly string[]): Float64Array {
  const columns = Int32Array.from(model.featureNames, (name) => {
    const column = rowFeatureNames.indexOf(name);
    if (column < 0) throw new Error(`the row has no feature ${name}`);
    return column;
  });
  const effect = new Float64Array(model.featureNames.length);
  for (const tree of model.trees) {
    const leaf = leafOf(tree, row, columns, -1);
    const value = tree.value[leaf] as number;
    // The features tested on the way to the leaf, each once.
    const onPath = new Set<number>();
    let node = 0;
    for (let feature = tree.feature[node] as number; feature >= 0; feature = tree.feature[node] as number) {
      onPath.add(feature);
      const x = row[columns[feature] as number] as number;
      const threshold = tree.threshold[node] as number;
      if (x <= threshold) node = tree.left[node] as number;
      else if (x > threshold) node = tree.right[node] as number;
      else node = (tree.missingLeft[node] === 1 ? tree.left[node] : tree.right[node]) as number;
    }
    for (const feature of onPath) {
      effect[feature]! += value - (tree.value[leafOf(tree, row, columns, feature)] as number);
    }
  }
  return effect;
}
