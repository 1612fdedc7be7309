// CPU and memory of one container from the Engine's stats endpoint (as `docker stats --no-stream` computes them).
import type Docker from 'dockerode';

interface StatsBody {
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; stats?: { inactive_file?: number; total_inactive_file?: number; cache?: number } };
}

export interface ContainerUsage {
  cpuPercent: number | null;
  memBytes: number | null;
}

/** `docker stats` arithmetic: CPU share of the interval × online CPUs; memory without the page cache. */
export function usageOf(s: StatsBody): ContainerUsage {
  const cpu = s.cpu_stats;
  const pre = s.precpu_stats;
  let cpuPercent: number | null = null;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  if (cpu?.system_cpu_usage !== undefined && pre?.system_cpu_usage !== undefined && sysDelta > 0 && cpuDelta >= 0) {
    const cpus = cpu.online_cpus ?? cpu.cpu_usage?.percpu_usage?.length ?? 1;
    cpuPercent = Math.round((cpuDelta / sysDelta) * cpus * 1000) / 10;
  }
  const mem = s.memory_stats;
  const cache = mem?.stats?.inactive_file ?? mem?.stats?.total_inactive_file ?? mem?.stats?.cache ?? 0;
  const memBytes = typeof mem?.usage === 'number' ? Math.max(0, mem.usage - cache) : null;
  return { cpuPercent, memBytes };
}

/** One stats reading (the engine waits ~1 s for the second CPU sample); null values when it cannot be read. */
export async function containerUsage(docker: Docker, id: string): Promise<ContainerUsage> {
  try {
    const s = (await docker.getContainer(id).stats({ stream: false })) as unknown as StatsBody;
    return usageOf(s);
  } catch {
    return { cpuPercent: null, memBytes: null };
  }
}
