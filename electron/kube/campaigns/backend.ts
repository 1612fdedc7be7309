// Umbrella campaigns on Kubernetes: preview, launch (provenance first), watch every window, act, extend, logs.
import type { Campaign, CampaignPreview, CampaignSpec, HistogramView, ProgressSample, UmbrellaWindow, WindowRef, WindowStatus } from '../../../shared/kube.js';
import { ApiError } from '../../../shared/errors.js';
import type { Services } from '../../core/services.js';

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
  list(projectId?: string): Campaign[];
  get(campaignId: string): { campaign: Campaign; windows: WindowStatus[] };
  act(campaignId: string, action: 'delete' | 'restart', windows: WindowRef[]): Promise<WindowActionResult[]>;
  extend(campaignId: string, add: { replicas?: number; windows?: UmbrellaWindow[] }): Promise<Campaign>;
  logs(campaignId: string, w: WindowRef, opts: { container?: string; previous: boolean; timestamps: boolean; tailLines?: number }): Promise<{ pod: string; container: string; text: string }>;
  saveLog(campaignId: string, w: WindowRef): Promise<{ path: string }>;
  history(campaignId: string): ProgressSample[];
  histogram(campaignId: string, replica: number): Promise<HistogramView>;
  /** Watches the namespaces of campaigns with unfinished windows (at start-up). */
  resume(): Promise<void>;
  close(): Promise<void>;
}

export function createUmbrellaBackend(_s: Services): UmbrellaBackend {
  const todo = (): never => {
    throw new ApiError('UNAVAILABLE', 'Umbrella campaigns are not available in this build yet.');
  };
  return {
    preview: async () => todo(),
    launch: async () => todo(),
    list: () => [],
    get: () => todo(),
    act: async () => todo(),
    extend: async () => todo(),
    logs: async () => todo(),
    saveLog: async () => todo(),
    history: () => [],
    histogram: async () => todo(),
    resume: async () => undefined,
    close: async () => undefined,
  };
}
