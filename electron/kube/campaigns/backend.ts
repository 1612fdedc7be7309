// Umbrella campaigns on Kubernetes: preview, launch (provenance first), watch every window, act, extend, logs.
import type { ResultsDownload, Campaign, CampaignPreview, CampaignSpec, HistogramView, ProgressSample, UmbrellaWindow, WindowRef, WindowStatus } from '../../../shared/kube.js';
import type { Services } from '../../core/services.js';
import type { UmbrellaServiceOptions } from './service.js';
import type { BucketSource } from './bucket-access.js';

export interface WindowActionResult {
  replica: number;
  window: number;
  ok: boolean;
  command: string;
  message: string;
}

export interface UmbrellaBackend {
  preview(spec: CampaignSpec): Promise<CampaignPreview>;
  launch(spec: CampaignSpec): Promise<Campaign>;
  importBucket(targetId: string, remote: string, from: BucketSource): Promise<{ name: string; provider: string; endpoint: string; region: string; source: string }>;
  downloadResults(campaignId: string, replica?: number): Promise<ResultsDownload>;
  manifests(campaignId: string, replica: number, window: number): Promise<{ attempt: number; path: string; yaml: string; outcome: 'applied' | 'failed'; detail: string; at: string }[]>;
  uploadInputs(spec: CampaignSpec): Promise<{ uploaded: string[]; upToDate: number; missingLocal: string[]; bytes: number; from: string }>;
  bucketList(campaignId: string, replica?: number): Promise<{ prefix: string; objects: { key: string; size: number; lastModified: string }[]; truncated: boolean }>;
  cancelDownload(campaignId: string): Promise<ResultsDownload>;
  missingInputs(spec: CampaignSpec): Promise<{ replica: number; window: number; paths: string[] }[] | null>;
  list(projectId?: string): Promise<Campaign[]>;
  get(campaignId: string): Promise<{ campaign: Campaign; windows: WindowStatus[] }>;
  act(campaignId: string, action: 'delete' | 'restart', windows: WindowRef[]): Promise<WindowActionResult[]>;
  extend(campaignId: string, add: { replicas?: number; windows?: UmbrellaWindow[] }): Promise<Campaign>;
  logs(campaignId: string, w: WindowRef, opts: { container?: string; previous: boolean; timestamps: boolean; tailLines?: number }): Promise<{ pod: string; container: string; text: string }>;
  saveLog(campaignId: string, w: WindowRef): Promise<{ path: string }>;
  history(campaignId: string): Promise<ProgressSample[]>;
  histogram(campaignId: string, replica: number): Promise<HistogramView>;
  /** Watches the namespaces of campaigns with unfinished windows (at start-up). */
  resume(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The umbrella service, loaded on first use: the Kubernetes client library is only paid for by researchers who
 * have campaigns. At start-up it is loaded only when a campaign still has windows to watch.
 */
export function createUmbrellaBackend(s: Services, given: UmbrellaServiceOptions = {}): UmbrellaBackend {
  const opts = { ...readerTuningFromEnv(), ...given };
  let loading: Promise<UmbrellaBackend> | null = null;
  let loaded: UmbrellaBackend | null = null;
  const svc = () => (loading ??= import('./service.js').then((m) => (loaded = new m.UmbrellaService(s, opts))));
  const hasCampaigns = () => s.db.prepare('SELECT 1 FROM campaigns LIMIT 1').get() !== undefined;
  return {
    preview: async (spec) => (await svc()).preview(spec),
    launch: async (spec) => (await svc()).launch(spec),
    importBucket: async (targetId, remote, from) => (await svc()).importBucket(targetId, remote, from),
    missingInputs: async (spec) => (await svc()).missingInputs(spec),
    downloadResults: async (id, replica) => (await svc()).downloadResults(id, replica),
    uploadInputs: async (spec) => (await svc()).uploadInputs(spec),
    manifests: async (id, r, w) => (await svc()).manifests(id, r, w),
    bucketList: async (id, replica) => (await svc()).bucketList(id, replica),
    cancelDownload: async (id) => (await svc()).cancelDownload(id),
    list: async (projectId) => (hasCampaigns() ? (await svc()).list(projectId) : []),
    get: async (id) => (await svc()).get(id),
    act: async (id, action, windows) => (await svc()).act(id, action, windows),
    extend: async (id, add) => (await svc()).extend(id, add),
    logs: async (id, w, o) => (await svc()).logs(id, w, o),
    saveLog: async (id, w) => (await svc()).saveLog(id, w),
    history: async (id) => (await svc()).history(id),
    histogram: async (id, r) => (await svc()).histogram(id, r),
    resume: async () => {
      const unfinished = s.db.prepare("SELECT 1 FROM campaign_windows WHERE phase NOT IN ('done', 'failed', 'planned') LIMIT 1").get();
      if (unfinished) await (await svc()).resume();
    },
    close: async () => {
      await loaded?.close();
    },
  };
}

/**
 * SIMDECK_UMBRELLA_READ_INTERVAL_MS / SIMDECK_UMBRELLA_READ_RATE tune the progress reader of a running SimDeck
 * (e.g. `simdeck serve` driven by the end-to-end tests against the simulator's fast clock). Unset: the defaults.
 */
function readerTuningFromEnv(): UmbrellaServiceOptions {
  const num = (name: string) => {
    const v = Number(process.env[name]);
    return Number.isFinite(v) && v > 0 ? v : undefined;
  };
  const interval = num('SIMDECK_UMBRELLA_READ_INTERVAL_MS');
  const rate = num('SIMDECK_UMBRELLA_READ_RATE');
  return {
    ...(interval ? { readIntervalMs: interval, urgentIntervalMs: interval } : {}),
    ...(rate ? { readRatePerSecond: rate } : {}),
  };
}
