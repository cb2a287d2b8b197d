/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and says where the time went: self time per
 * function, and per part of our path (CSV decoding, papaparse, zod, French numbers, aggregation…).
 * Builtins without a script of their own (RegExp, String, Map methods) are charged to the nearest
 * caller that has one, so a regex run inside `parseFrenchNumber` counts as French number parsing.
 */
import { readFile } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  byPart: { part: string; ms: number; share: number }[];
  topFunctions: { fn: string; where: string; part: string; ms: number; share: number }[];
}

/** Which part of the path a script belongs to; null when the frame has no script (a builtin). */
function partOf(url: string, functionName: string): string | null {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === 'runMicrotasks' || url === 'node:internal/process/task_queues') return 'async iteration (promises, microtasks)';
  if (functionName === '(idle)') return 'idle (waiting for I/O)';
  if (functionName === '(program)') return 'V8/Node internals (program)';
  if (functionName === '(root)') return 'V8/Node internals (program)';
  if (url === '') return null;
  if (url.includes('/node_modules/papaparse/')) return 'papaparse (CSV parsing)';
  if (url.includes('/node_modules/iconv-lite/')) return 'decoding (iconv-lite)';
  if (url.includes('/node_modules/zod/')) return 'zod (schema machinery)';
  // The commands' own parts (caqes run on the embedded default).
  if (/\/node_modules\/(dynalite|level|abstract-level|memory-level|level-transcoder|big\.js|lock|async|functional-red-black-tree|buffer-crc32)\//.test(url)) return 'DynamoDB emulator (dynalite, level)';
  if (/\/node_modules\/(@smithy|@aws-sdk|@aws-crypto|fast-xml-parser)\//.test(url)) return 'AWS SDK (requests, signing, (un)marshalling)';
  if (/\/node_modules\/(s3rver|koa[^/]*|@koa|busboy|fs-extra)\//.test(url)) return 'S3 emulator (s3rver)';
  if (/\/node_modules\/(exceljs|jszip|archiver[^/]*|unzipper|saxes|readable-stream)\//.test(url)) return 'workbooks (exceljs)';
  if (/\/node_modules\/(@aws-lambda-powertools|@middy)\//.test(url)) return 'Lambda glue (powertools, middy)';
  if (url.includes('/lib/io/french')) return 'French number parsing';
  if (url.includes('/lib/io/csv-scan')) return 'CSV record scan (csv-scan.ts)';
  if (url.includes('/lib/io/encoding')) return 'decoding (encoding.ts)';
  if (url.includes('/lib/io/csv-reader') || url.includes('/lib/io/table')) return 'CSV reader glue (slicing, line counting)';
  if (url.includes('/lib/formats/fields') || url.includes('/lib/domain/finess')) return 'cell checks (fields.ts, FINESS key)';
  if (url.includes('/lib/formats/kinds/') || url.includes('/lib/domain/indication')) return 'aggregation (atih-mo)';
  if (url.includes('/lib/formats/tabular') || url.includes('/lib/formats/report') || url.includes('/lib/formats/messages')) return 'row loop (tabular.ts)';
  if (url.includes('/lib/store/')) return 'store (lib/store)';
  if (url.includes('/lib/domain/')) return 'indicators (lib/domain)';
  if (url.includes('/lib/report/')) return 'summaries (lib/report)';
  if (url.includes('/lib/pipeline/') || url.includes('/lib/local/') || url.includes('/functions/')) return 'pipeline glue (lib/pipeline, lib/local, functions)';
  if (url.startsWith('node:internal/modules') || url.includes('/node_modules/tsx/') || url.includes('/node_modules/esbuild/')) return 'module loading';
  if (url.startsWith('node:internal/source_map')) return 'module loading';
  if (/^node:(_http|http|net|internal\/http|internal\/stream_base)/.test(url)) return 'Node HTTP (loopback to the emulators)';
  if (url.startsWith('node:')) return 'Node streams and fs';
  return 'other scripts';
}

/**
 * Where each line of an esbuild bundle came from: esbuild starts every module's code with a
 * `// path/of/module.ts` comment, so a bundle's frames can be charged to their source modules.
 */
async function bundleMap(url: string): Promise<((line: number) => string) | null> {
  if (!url.startsWith('file://') || !url.endsWith('.mjs')) return null;
  let text: string;
  try {
    text = await readFile(fileURLToPath(url), 'utf8');
  } catch {
    return null;
  }
  const starts: { line: number; module: string }[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^\/\/ ((?:node_modules|lib|bench)\/\S+\.(?:ts|js|mjs|cjs|json))$/.exec(line);
    if (m) starts.push({ line: i, module: m[1] as string });
  });
  if (starts.length === 0) return null;
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    if (line < (starts[0] as { line: number }).line) return basename(fileURLToPath(url));
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as { line: number }).line <= line) lo = mid;
      else hi = mid - 1;
    }
    return (starts[lo] as { module: string }).module;
  };
}

/** Self time per function and per part of a CPU profile. */
export async function summariseProfile(path: string, top = 15): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  // Frames of a bundle are given the module they came from (url `/lib/io/french.ts`…).
  const maps = new Map<string, ((line: number) => string) | null>();
  for (const node of profile.nodes) {
    const { url } = node.callFrame;
    if (!maps.has(url)) maps.set(url, await bundleMap(url));
    const map = maps.get(url);
    if (map) node.callFrame = { ...node.callFrame, url: `/${map(node.callFrame.lineNumber)}`, lineNumber: -1 };
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const partCache = new Map<number, string>();
  const resolvePart = (id: number): string => {
    const cached = partCache.get(id);
    if (cached) return cached;
    const node = byId.get(id);
    let part: string | null = node ? partOf(node.callFrame.url, node.callFrame.functionName) : 'other scripts';
    if (part === null) {
      const up = parent.get(id);
      part = up === undefined ? 'other scripts' : resolvePart(up);
    }
    partCache.set(id, part);
    return part;
  };

  let total = 0;
  const parts = new Map<string, number>();
  const functions = new Map<string, { fn: string; where: string; part: string; us: number }>();
  for (const [id, us] of selfUs) {
    total += us;
    const node = byId.get(id);
    if (!node) continue;
    const part = resolvePart(id);
    parts.set(part, (parts.get(part) ?? 0) + us);
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = functionName || '(anonymous)';
    const where = !url
      ? '(builtin)'
      : lineNumber < 0
        ? url.replace(/^\/(node_modules\/)?/, '')
        : url.startsWith('file://') && url.endsWith('.ts')
          ? relative(process.cwd(), fileURLToPath(url))
          : `${basename(url)}:${lineNumber + 1}`;
    const key = `${fn}@${where}`;
    const entry = functions.get(key) ?? { fn, where, part, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  const share = (us: number) => (total > 0 ? Math.round((us / total) * 1000) / 10 : 0);
  return {
    file: path,
    totalMs: ms(total),
    byPart: [...parts].sort((a, b) => b[1] - a[1]).map(([part, us]) => ({ part, ms: ms(us), share: share(us) })),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ fn: f.fn, where: f.where, part: f.part, ms: ms(f.us), share: share(f.us) })),
  };
}
