// Runs one short command in a pod's container over the WebSocket exec protocol (what `kubectl exec` does, in the
// channel form @kubernetes/client-node speaks) and collects its output, bounded in size and time. Used to read a
// window's progress file and to sample nvidia-smi: the live state only exists inside the pod (S3 lags, see notes).
import { Writable } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import { ApiError } from '../../shared/errors.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const MAX_OUTPUT = 1024 * 1024;

function sink(chunks: Buffer[], size: { n: number }): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (size.n < MAX_OUTPUT) {
        chunks.push(chunk);
        size.n += chunk.length;
      }
      cb();
    },
  });
}

/** Exit code from the exec Status: Success → 0; Failure carries an ExitCode cause (or the command did not start). */
export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const n = Number(cause?.message);
  return Number.isFinite(n) ? n : 126;
}

export async function execCapture(kc: KubeConfig, namespace: string, pod: string, container: string, command: string[], timeoutMs = 30_000): Promise<ExecResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const outSize = { n: 0 };
  const errSize = { n: 0 };
  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    let exitCode: number | null = null;
    const finish = (e?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (e) reject(e);
      else resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode: exitCode ?? 0 });
    };
    const timer = setTimeout(() => finish(new ApiError('UNAVAILABLE', `${command.join(' ')} in ${pod} did not finish within ${timeoutMs / 1000} s.`)), timeoutMs);
    new Exec(kc)
      .exec(namespace, pod, container, command, sink(out, outSize), sink(err, errSize), null, false, (status) => {
        exitCode = exitCodeOf(status);
      })
      .then((ws) => {
        ws.on('close', () => finish());
        ws.on('error', (e: Error) => finish(new ApiError('UNAVAILABLE', `exec in ${pod} failed: ${e.message}`)));
      })
      .catch((e: unknown) => finish(new ApiError('REMOTE_FAILED', `Cannot exec in ${pod}: ${e instanceof Error ? e.message : String(e)}`)));
  });
}
