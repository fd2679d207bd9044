// Histogram gradient boosting for binary classification (logistic loss), hand-written so the risk
// model has no native or ML dependency. Training bins each numeric feature into at most 255 quantile
// bins (missing values get a bin of their own and each split learns where they go), grows trees
// depth-wise or leaf-wise from gradient/hessian histograms (the larger child's histogram is the parent's
// minus the smaller child's), subsamples rows and features with a seeded generator, and can stop early
// on a validation set. The trained model is plain JSON; scoring walks the trees over raw values.
import { rocAuc } from '../evaluate/metrics.ts';
import { sampleIndices, seededRandom } from './random.ts';

/** Rows × features, row-major (`values[row * featureNames.length + feature]`); NaN is a missing value. */
export interface FeatureMatrix {
  featureNames: string[];
  rowCount: number;
  values: Float64Array;
}

export interface GbdtParams {
  /** Boosting rounds at most (fewer when early stopping ends the training). */
  rounds: number;
  learningRate: number;
  /** 'leafwise' splits the leaf of highest gain next; 'depthwise' finishes a level before the next. */
  growth: 'depthwise' | 'leafwise';
  maxLeaves: number;
  maxDepth: number;
  /** Smallest sum of hessians (p·(1−p)) a child may hold: guards against leaves on a handful of rows. */
  minChildWeight: number;
  /** L2 regularisation of the leaf values. */
  lambda: number;
  /** A split must improve the regularised loss by more than this. */
  minSplitGain: number;
  /** Fraction of the rows each tree is grown on. */
  rowSubsample: number;
  /** Fraction of the features each tree may split on. */
  featureSubsample: number;
  /** Value bins per feature, at most 255 (the missing bin comes on top). */
  maxBins: number;
  seed: number;
}

export interface EarlyStopping {
  valid: FeatureMatrix;
  labels: ArrayLike<number>;
  metric: 'logloss' | 'auc';
  /** Rounds without improvement on the validation set before training stops. */
  patience: number;
}

/** One tree as parallel arrays; node 0 is the root and a node with `feature` −1 is a leaf. */
export interface GbdtTree {
  feature: number[];
  /** Rows with value ≤ threshold go left; the bin index of the same bound is `thresholdBin`. */
  threshold: number[];
  thresholdBin: number[];
  /** 1 when missing values go left. */
  missingLeft: number[];
  left: number[];
  right: number[];
  /** The leaf's contribution to the log-odds (learning rate applied); 0 on inner nodes. */
  value: number[];
}

export interface GbdtModel {
  format: 'cordon-gbdt';
  version: 1;
  featureNames: string[];
  /** Per feature, the upper bounds of its value bins but the last (which is unbounded). */
  binEdges: number[][];
  /** Log-odds every score starts from: the training set's fraud rate. */
  baseScore: number;
  trees: GbdtTree[];
}

export interface TrainedGbdt {
  model: GbdtModel;
  /** Probability of label 1 for each row of the matrix (features matched by name). */
  predict(matrix: FeatureMatrix): Float64Array;
  /** Rounds kept (the best validation round under early stopping). */
  rounds: number;
  /** The validation metric after each round, when early stopping was asked for. */
  validHistory: number[];
}

export const DEFAULT_GBDT_PARAMS: GbdtParams = {
  rounds: 400,
  learningRate: 0.05,
  growth: 'leafwise',
  maxLeaves: 31,
  maxDepth: 8,
  minChildWeight: 1,
  lambda: 1,
  minSplitGain: 0,
  rowSubsample: 0.8,
  featureSubsample: 0.8,
  maxBins: 255,
  seed: 1,
};

/** Rows scored together through every tree (see `predict`). */
const PREDICT_BLOCK_ROWS = 64;
/** Stands for +∞ in JSON (which has no infinity): a split that sends every present value left. */
const UNBOUNDED = Number.MAX_VALUE;

// ---------------------------------------------------------------------------------------------------
// Binning

/** Upper bounds of at most `maxBins` bins holding about equal numbers of rows (distinct values kept whole). */
export function quantileBinEdges(values: ArrayLike<number>, maxBins: number): number[] {
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isNaN(value)) present.push(value);
  }
  const sorted = Float64Array.from(present).sort();
  const distinct: number[] = [];
  const counts: number[] = [];
  for (const value of sorted) {
    if (distinct.length > 0 && distinct[distinct.length - 1] === value) counts[counts.length - 1]! += 1;
    else {
      distinct.push(value);
      counts.push(1);
    }
  }
  const midpoint = (i: number) => ((distinct[i] as number) + (distinct[i + 1] as number)) / 2;
  if (distinct.length <= maxBins) return distinct.slice(0, -1).map((_, i) => midpoint(i));
  // Greedy: close a bin once it holds its share of the rows still to place, so a heavy value does not
  // starve the bins after it.
  const edges: number[] = [];
  let remaining = sorted.length;
  let inBin = 0;
  for (let i = 0; i < distinct.length - 1 && edges.length < maxBins - 1; i++) {
    inBin += counts[i] as number;
    const share = remaining / (maxBins - edges.length);
    if (inBin >= share) {
      edges.push(midpoint(i));
      remaining -= inBin;
      inBin = 0;
    }
  }
  return edges;
}

/** The bin of a value: 0..edges.length, or edges.length + 1 (the feature's missing bin) for NaN. */
function binOf(value: number, edges: readonly number[]): number {
  if (Number.isNaN(value)) return edges.length + 1;
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= (edges[middle] as number)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The matrix's columns in the model's feature order, as bins; row-major like the matrix. */
function binMatrix(matrix: FeatureMatrix, featureNames: string[], binEdges: number[][]): Uint8Array {
  const columns = columnsOf(matrix, featureNames);
  const featureCount = featureNames.length;
  const bins = new Uint8Array(matrix.rowCount * featureCount);
  const stride = matrix.featureNames.length;
  for (let f = 0; f < featureCount; f++) {
    const column = columns[f] as number;
    const edges = binEdges[f] as number[];
    for (let row = 0; row < matrix.rowCount; row++) bins[row * featureCount + f] = binOf(matrix.values[row * stride + column] as number, edges);
  }
  return bins;
}

/** Where each of the model's features sits in the matrix; throws naming the first one it lacks. */
function columnsOf(matrix: FeatureMatrix, featureNames: string[]): Int32Array {
  const position = new Map(matrix.featureNames.map((name, index) => [name, index]));
  return Int32Array.from(featureNames, (name) => {
    const column = position.get(name);
    if (column === undefined) throw new Error(`the feature matrix has no feature "${name}"`);
    return column;
  });
}

// ---------------------------------------------------------------------------------------------------
// Training

interface Split {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  leftGradient: number;
  leftHessian: number;
}

interface Leaf {
  node: number;
  depth: number;
  start: number;
  end: number;
  gradient: number;
  hessian: number;
  histogram: Float64Array | null;
  split: Split | null;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Grows one tree on the rows `rowIndex[0..rowCount)` at the given gradients. */
class TreeGrower {
  private readonly histogramPool: Float64Array[] = [];
  private readonly scratch: Uint32Array;
  private readonly binsByFeature: Uint8Array;
  /** Feature f's gradient and hessian sums per bin, its missing bin last, sit at [offsets[f], offsets[f + 1]). */
  private readonly histogramOffsets: Int32Array;

  constructor(
    private readonly bins: Uint8Array,
    private readonly featureCount: number,
    private readonly binCounts: Int32Array,
    private readonly params: GbdtParams,
    private readonly gradients: Float64Array,
    private readonly hessians: Float64Array,
  ) {
    const rowCount = bins.length / featureCount;
    this.scratch = new Uint32Array(rowCount);
    // Partitioning reads one feature of many rows: feature-major bins keep those reads close together.
    this.binsByFeature = new Uint8Array(bins.length);
    for (let row = 0; row < rowCount; row++) {
      for (let f = 0; f < featureCount; f++) this.binsByFeature[f * rowCount + row] = bins[row * featureCount + f] as number;
    }
    this.histogramOffsets = new Int32Array(featureCount + 1);
    for (let f = 0; f < featureCount; f++) this.histogramOffsets[f + 1] = (this.histogramOffsets[f] as number) + ((binCounts[f] as number) + 1) * 2;
  }

  grow(rowIndex: Uint32Array, rowCount: number, features: Int32Array, binEdges: number[][]): GbdtTree {
    const tree: GbdtTree = { feature: [], threshold: [], thresholdBin: [], missingLeft: [], left: [], right: [], value: [] };
    const addNode = () => {
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.thresholdBin.push(0);
      tree.missingLeft.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.value.push(0);
      return tree.feature.length - 1;
    };
    let gradient = 0;
    let hessian = 0;
    for (let i = 0; i < rowCount; i++) {
      gradient += this.gradients[rowIndex[i] as number] as number;
      hessian += this.hessians[rowIndex[i] as number] as number;
    }
    const root: Leaf = { node: addNode(), depth: 0, start: 0, end: rowCount, gradient, hessian, histogram: null, split: null };
    root.histogram = this.buildHistogram(rowIndex, 0, rowCount, features);
    root.split = this.findSplit(root, features);
    const leaves: Leaf[] = [root];

    while (leaves.length < this.params.maxLeaves) {
      const chosen = this.chooseLeaf(leaves);
      if (chosen < 0) break;
      const parent = leaves[chosen] as Leaf;
      const split = parent.split as Split;
      const middle = this.partition(rowIndex, parent.start, parent.end, split);
      const node = parent.node;
      tree.feature[node] = split.feature;
      tree.thresholdBin[node] = split.bin;
      const edges = binEdges[split.feature] as number[];
      tree.threshold[node] = split.bin < edges.length ? (edges[split.bin] as number) : UNBOUNDED;
      tree.missingLeft[node] = split.missingLeft ? 1 : 0;
      const left: Leaf = {
        node: addNode(),
        depth: parent.depth + 1,
        start: parent.start,
        end: middle,
        gradient: split.leftGradient,
        hessian: split.leftHessian,
        histogram: null,
        split: null,
      };
      const right: Leaf = {
        node: addNode(),
        depth: parent.depth + 1,
        start: middle,
        end: parent.end,
        gradient: parent.gradient - split.leftGradient,
        hessian: parent.hessian - split.leftHessian,
        histogram: null,
        split: null,
      };
      tree.left[node] = left.node;
      tree.right[node] = right.node;
      leaves.splice(chosen, 1, left, right);
      if (left.depth >= this.params.maxDepth) {
        this.release(parent); // children at the depth limit stay leaves: no histograms needed
        continue;
      }
      // Only the smaller child is histogrammed; the larger one's is the parent's minus it, in place.
      const [small, large] = left.end - left.start <= right.end - right.start ? [left, right] : [right, left];
      const parentHistogram = parent.histogram as Float64Array;
      small.histogram = this.buildHistogram(rowIndex, small.start, small.end, features);
      const smallHistogram = small.histogram;
      for (let k = 0; k < features.length; k++) {
        const f = features[k] as number;
        const end = this.histogramOffsets[f + 1] as number;
        for (let slot = this.histogramOffsets[f] as number; slot < end; slot++) parentHistogram[slot]! -= smallHistogram[slot] as number;
      }
      large.histogram = parentHistogram;
      parent.histogram = null;
      for (const child of [left, right]) {
        child.split = this.findSplit(child, features);
        if (child.split === null) this.release(child);
      }
    }

    for (const leaf of leaves) {
      tree.value[leaf.node] = (-leaf.gradient / (leaf.hessian + this.params.lambda)) * this.params.learningRate;
      this.release(leaf);
    }
    return tree;
  }

  /** The index of the next leaf to split under the growth policy, or −1 when none should be. */
  private chooseLeaf(leaves: Leaf[]): number {
    let chosen = -1;
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i] as Leaf;
      if (leaf.split === null) continue;
      if (chosen < 0) {
        chosen = i;
        continue;
      }
      const best = leaves[chosen] as Leaf;
      const shallower = this.params.growth === 'depthwise' && leaf.depth < best.depth;
      const sameLevel = this.params.growth === 'leafwise' || leaf.depth === best.depth;
      if (shallower || (sameLevel && leaf.split.gain > (best.split as Split).gain)) chosen = i;
    }
    return chosen;
  }

  private release(leaf: Leaf): void {
    if (leaf.histogram) this.histogramPool.push(leaf.histogram);
    leaf.histogram = null;
  }

  private buildHistogram(rowIndex: Uint32Array, start: number, end: number, features: Int32Array): Float64Array {
    const { bins, featureCount, gradients, hessians, histogramOffsets } = this;
    const histogram = this.histogramPool.pop() ?? new Float64Array(histogramOffsets[featureCount] as number);
    for (let k = 0; k < features.length; k++) {
      const f = features[k] as number;
      histogram.fill(0, histogramOffsets[f], histogramOffsets[f + 1]);
    }
    const used = features.length;
    for (let i = start; i < end; i++) {
      const row = rowIndex[i] as number;
      const gradient = gradients[row] as number;
      const hessian = hessians[row] as number;
      const base = row * featureCount;
      for (let k = 0; k < used; k++) {
        const f = features[k] as number;
        const slot = (histogramOffsets[f] as number) + (bins[base + f] as number) * 2;
        histogram[slot]! += gradient;
        histogram[slot + 1]! += hessian;
      }
    }
    return histogram;
  }

  private findSplit(leaf: Leaf, features: Int32Array): Split | null {
    const { lambda, minChildWeight, minSplitGain, maxDepth } = this.params;
    if (leaf.depth >= maxDepth || leaf.hessian < 2 * minChildWeight) return null;
    const histogram = leaf.histogram as Float64Array;
    const totalGradient = leaf.gradient;
    const totalHessian = leaf.hessian;
    const parentScore = (totalGradient * totalGradient) / (totalHessian + lambda);
    // The best split so far, in scalars: this loop runs over every bin of every feature of every leaf.
    let bestGain = minSplitGain;
    let bestFeature = -1;
    let bestBin = 0;
    let bestMissingLeft = false;
    let bestHasMissing = false;
    let bestGradient = 0;
    let bestHessian = 0;
    for (let k = 0; k < features.length; k++) {
      const f = features[k] as number;
      const offset = this.histogramOffsets[f] as number;
      const valueBins = this.binCounts[f] as number;
      const missingGradient = histogram[offset + valueBins * 2] as number;
      const missingHessian = histogram[offset + valueBins * 2 + 1] as number;
      const hasMissing = missingHessian > 0;
      let leftGradient = 0;
      let leftHessian = 0;
      // The last value bin is a threshold only when it separates present from missing values.
      const lastThreshold = hasMissing ? valueBins - 1 : valueBins - 2;
      for (let bin = 0; bin <= lastThreshold; bin++) {
        leftGradient += histogram[offset + bin * 2] as number;
        leftHessian += histogram[offset + bin * 2 + 1] as number;
        // Missing values to the right …
        let rightHessian = totalHessian - leftHessian;
        if (leftHessian >= minChildWeight && rightHessian >= minChildWeight) {
          const rightGradient = totalGradient - leftGradient;
          const gain = (leftGradient * leftGradient) / (leftHessian + lambda) + (rightGradient * rightGradient) / (rightHessian + lambda) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestFeature = f;
            bestBin = bin;
            bestMissingLeft = false;
            bestHasMissing = hasMissing;
            bestGradient = leftGradient;
            bestHessian = leftHessian;
          }
        }
        // … or to the left, unless that sends every row left.
        if (!hasMissing || bin === valueBins - 1) continue;
        const g = leftGradient + missingGradient;
        const h = leftHessian + missingHessian;
        rightHessian = totalHessian - h;
        if (h < minChildWeight || rightHessian < minChildWeight) continue;
        const rightGradient = totalGradient - g;
        const gain = (g * g) / (h + lambda) + (rightGradient * rightGradient) / (rightHessian + lambda) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = bin;
          bestMissingLeft = true;
          bestHasMissing = true;
          bestGradient = g;
          bestHessian = h;
        }
      }
    }
    if (bestFeature < 0) return null;
    // Without missing values at this node, future ones go to the heavier side.
    const missingLeft = bestHasMissing ? bestMissingLeft : bestHessian >= totalHessian - bestHessian;
    return { gain: bestGain, feature: bestFeature, bin: bestBin, missingLeft, leftGradient: bestGradient, leftHessian: bestHessian };
  }

  /** Reorders rows [start, end) so those going left come first (keeping their order); returns the boundary. */
  private partition(rowIndex: Uint32Array, start: number, end: number, split: Split): number {
    const { binsByFeature, scratch } = this;
    const column = split.feature * scratch.length;
    let write = start;
    let spilled = 0;
    for (let i = start; i < end; i++) {
      const row = rowIndex[i] as number;
      const bin = binsByFeature[column + row] as number;
      const goesLeft = bin === this.binCounts[split.feature] ? split.missingLeft : bin <= split.bin;
      if (goesLeft) rowIndex[write++] = row;
      else scratch[spilled++] = row;
    }
    rowIndex.set(scratch.subarray(0, spilled), write);
    return write;
  }
}

/** Adds the tree's output for each binned row to `scores`. */
function addTreeOnBins(tree: GbdtTree, bins: Uint8Array, binCounts: Int32Array, scores: Float64Array): void {
  const featureCount = binCounts.length;
  for (let row = 0; row < scores.length; row++) {
    let node = 0;
    while ((tree.feature[node] as number) >= 0) {
      const f = tree.feature[node] as number;
      const bin = bins[row * featureCount + f] as number;
      const goesLeft = bin === binCounts[f] ? tree.missingLeft[node] === 1 : bin <= (tree.thresholdBin[node] as number);
      node = (goesLeft ? tree.left[node] : tree.right[node]) as number;
    }
    scores[row]! += tree.value[node] as number;
  }
}

export function trainGbdt(
  train: FeatureMatrix,
  labels: ArrayLike<number>,
  overrides: Partial<GbdtParams> = {},
  earlyStopping: EarlyStopping | null = null,
): TrainedGbdt {
  const params = { ...DEFAULT_GBDT_PARAMS, ...overrides };
  if (params.maxBins < 2 || params.maxBins > 255) throw new Error('maxBins must be within 2..255');
  if (labels.length !== train.rowCount) throw new Error(`${labels.length} labels for ${train.rowCount} rows`);
  const featureNames = [...train.featureNames];
  const featureCount = featureNames.length;
  const rowCount = train.rowCount;

  const binEdges = featureNames.map((_, f) => {
    const column = new Float64Array(rowCount);
    for (let row = 0; row < rowCount; row++) column[row] = train.values[row * featureCount + f] as number;
    return quantileBinEdges(column, params.maxBins);
  });
  const binCounts = Int32Array.from(binEdges, (edges) => edges.length + 1);
  const bins = binMatrix(train, featureNames, binEdges);

  let positives = 0;
  for (let i = 0; i < rowCount; i++) positives += labels[i] as number;
  const rate = Math.min(Math.max(positives / Math.max(rowCount, 1), 1e-6), 1 - 1e-6);
  const baseScore = Math.log(rate / (1 - rate));

  const scores = new Float64Array(rowCount).fill(baseScore);
  const gradients = new Float64Array(rowCount);
  const hessians = new Float64Array(rowCount);
  const grower = new TreeGrower(bins, featureCount, binCounts, params, gradients, hessians);
  const random = seededRandom(params.seed);
  const sampledRows = Math.max(1, Math.round(rowCount * params.rowSubsample));
  const sampledFeatures = Math.max(1, Math.round(featureCount * params.featureSubsample));

  const validBins = earlyStopping ? binMatrix(earlyStopping.valid, featureNames, binEdges) : null;
  const validScores = new Float64Array(earlyStopping?.valid.rowCount ?? 0).fill(baseScore);
  const validHistory: number[] = [];
  let bestRound = 0;
  let bestMetric = Number.NaN;

  const trees: GbdtTree[] = [];
  for (let round = 0; round < params.rounds; round++) {
    for (let i = 0; i < rowCount; i++) {
      const p = sigmoid(scores[i] as number);
      gradients[i] = p - (labels[i] as number);
      hessians[i] = Math.max(p * (1 - p), 1e-16);
    }
    const rowIndex = sampleIndices(rowCount, sampledRows, random);
    const features = Int32Array.from(sampleIndices(featureCount, sampledFeatures, random));
    const tree = grower.grow(rowIndex, rowIndex.length, features, binEdges);
    trees.push(tree);
    addTreeOnBins(tree, bins, binCounts, scores);

    if (earlyStopping && validBins) {
      addTreeOnBins(tree, validBins, binCounts, validScores);
      const metric = validationMetric(earlyStopping.metric, earlyStopping.labels, validScores);
      validHistory.push(metric);
      const better = earlyStopping.metric === 'auc' ? metric > bestMetric : metric < bestMetric;
      if (round === 0 || better) {
        bestMetric = metric;
        bestRound = round + 1;
      } else if (round + 1 - bestRound >= earlyStopping.patience) break;
    }
  }
  const kept = earlyStopping ? trees.slice(0, bestRound) : trees;
  const model: GbdtModel = { format: 'cordon-gbdt', version: 1, featureNames, binEdges, baseScore, trees: kept };
  return { ...loadGbdt(model), rounds: kept.length, validHistory };
}

function validationMetric(metric: EarlyStopping['metric'], labels: ArrayLike<number>, logOdds: Float64Array): number {
  if (metric === 'auc') return rocAuc(labels, logOdds);
  let loss = 0;
  for (let i = 0; i < logOdds.length; i++) {
    const x = logOdds[i] as number;
    // log(1 + e^x) − y·x, stable for large |x|.
    loss += Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))) - (labels[i] as number) * x;
  }
  return loss / Math.max(logOdds.length, 1);
}

// ---------------------------------------------------------------------------------------------------
// Scoring

/** A model read back from JSON (or just trained), compiled into flat typed arrays for fast scoring. */
export function loadGbdt(model: GbdtModel): Omit<TrainedGbdt, 'validHistory'> {
  if (model.format !== 'cordon-gbdt' || model.version !== 1) throw new Error('not a cordon-gbdt model of version 1');
  const nodeCount = model.trees.reduce((sum, tree) => sum + tree.feature.length, 0);
  const feature = new Int32Array(nodeCount);
  const threshold = new Float64Array(nodeCount);
  const missingLeft = new Uint8Array(nodeCount);
  const left = new Int32Array(nodeCount);
  const right = new Int32Array(nodeCount);
  const value = new Float64Array(nodeCount);
  const roots = new Int32Array(model.trees.length);
  let offset = 0;
  model.trees.forEach((tree, t) => {
    roots[t] = offset;
    for (let node = 0; node < tree.feature.length; node++) {
      const at = offset + node;
      feature[at] = tree.feature[node] as number;
      threshold[at] = tree.threshold[node] as number;
      missingLeft[at] = tree.missingLeft[node] as number;
      left[at] = offset + (tree.left[node] as number);
      right[at] = offset + (tree.right[node] as number);
      value[at] = tree.value[node] as number;
    }
    offset += tree.feature.length;
  });

  // The matrix column each node reads, for the last column order seen: a scorer of one declaration
  // at a time meets the same order every time and need not work it out again.
  let lastNames: readonly string[] | null = null;
  let lastNodeColumn = new Int32Array(0);
  const nodeColumnsFor = (matrix: FeatureMatrix): Int32Array => {
    if (matrix.featureNames !== lastNames) {
      const columns = columnsOf(matrix, model.featureNames);
      lastNodeColumn = Int32Array.from(feature, (f) => (f >= 0 ? (columns[f] as number) : -1));
      lastNames = matrix.featureNames;
    }
    return lastNodeColumn;
  };

  const predict = (matrix: FeatureMatrix): Float64Array => {
    // Each node reads its matrix column directly. Rows go through the trees in blocks small enough
    // for the block's values to stay in cache while every tree is walked over them.
    const stride = matrix.featureNames.length;
    const nodeColumn = nodeColumnsFor(matrix);
    const { values, rowCount } = matrix;
    const sums = new Float64Array(rowCount).fill(model.baseScore);
    for (let blockStart = 0; blockStart < rowCount; blockStart += PREDICT_BLOCK_ROWS) {
      const blockEnd = Math.min(rowCount, blockStart + PREDICT_BLOCK_ROWS);
      for (let t = 0; t < roots.length; t++) {
        const root = roots[t] as number;
        for (let row = blockStart; row < blockEnd; row++) {
          const base = row * stride;
          let node = root;
          let column = nodeColumn[node] as number;
          while (column >= 0) {
            const x = values[base + column] as number;
            // NaN fails both comparisons: a missing value takes the learned direction.
            if (x <= (threshold[node] as number)) node = left[node] as number;
            else if (x > (threshold[node] as number)) node = right[node] as number;
            else node = (missingLeft[node] === 1 ? left[node] : right[node]) as number;
            column = nodeColumn[node] as number;
          }
          sums[row]! += value[node] as number;
        }
      }
    }
    for (let row = 0; row < rowCount; row++) sums[row] = sigmoid(sums[row] as number);
    return sums;
  };
  return { model, predict, rounds: model.trees.length };
}
