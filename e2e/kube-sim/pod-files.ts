// What one umbrella window writes (notes A9, A12): the OpenMM StateDataReporter `...-production.out`, the
// fraction-native-contacts CV file, checkpoints and saved states under /results, plus the `Running simulation
// with` block in the pod log. The run is a small state machine the controller advances in simulated seconds,
// so progress, restarts from checkpoints (with row truncation) and the "crashed but exit 0" trap come out as the
// real script produces them.
import type { Rng } from './util.js';

export interface RunParams {
  /** Production length in steps (GB3: 500 ns / 4 fs = 125,000,000). Tests use e.g. 125,000. */
  nSteps: number;
  outputFrequency: number;
  checkpointFrequency: number;
  saveStateFrequency: number;
  /** Per-window NPT equilibration at 1 fs (1,000,000 steps in the seed); 0 skips it. */
  equilibrationSteps: number;
  /** Simulated seconds for `pip install` at container start and for the final `rclone copy`. */
  pipSeconds: number;
  uploadSeconds: number;
}

export const DEFAULT_RUN: RunParams = {
  nSteps: 125_000_000,
  outputFrequency: 25_000,
  checkpointFrequency: 2_500_000,
  saveStateFrequency: 25_000_000,
  equilibrationSteps: 1_000_000,
  pipSeconds: 45,
  uploadSeconds: 20,
};

export interface WindowIdentity {
  target: string;
  ff: string;
  replica: string;
  window: string;
  centre: number;
  k: number;
}

/** Q0 for window index i of the GB3 protocol: numpy.linspace(1.0, 0.4, 31). */
export function defaultCentre(index: number, nWindows = 31): number {
  return 1.0 - (0.6 * index) / (nWindows - 1);
}

/** Reads the window from the env the launcher adds (PROTBENCH_*); PROTBENCH_WINDOW_CENTER overrides the centre. */
export function windowFromEnv(env: Record<string, string>): WindowIdentity | undefined {
  const target = env.PROTBENCH_TARGET;
  const ff = env.PROTBENCH_FF;
  const window = env.PROTBENCH_WINDOW;
  if (!target || !ff || window === undefined) return undefined;
  const explicit = Number(env.PROTBENCH_WINDOW_CENTER ?? env.PROTBENCH_WINDOW_CENTRE);
  return {
    target,
    ff,
    replica: env.PROTBENCH_REPLICA ?? '1',
    window,
    centre: Number.isFinite(explicit) && (env.PROTBENCH_WINDOW_CENTER ?? env.PROTBENCH_WINDOW_CENTRE) ? explicit : defaultCentre(Number(window)),
    k: Number(env.PROTBENCH_UMBRELLA_K ?? 5000),
  };
}

export function systemName(w: WindowIdentity): string {
  return `${w.target}-${w.ff}`;
}

export function windowDir(w: WindowIdentity): string {
  return `/results/${systemName(w)}/replica-${w.replica}/window-${w.window}`;
}

/** Python's repr() of a float: shortest round trip, always with a decimal point or exponent. */
export function pyFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  const s = String(x);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's '%.3g' (OpenMM's Speed column): 3 significant digits, trailing zeros stripped, 2-digit exponent. */
export function pyG3(x: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 3) {
    const [mant = '0', e = '0'] = x.toExponential(2).split('e');
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(Math.max(0, 2 - exp));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

export const OUT_HEADER =
  '#"Step" "Time (ps)" "Potential Energy (kJ/mole)" "Kinetic Energy (kJ/mole)" "Total Energy (kJ/mole)" "Temperature (K)" "Box Volume (nm^3)" "Speed (ns/day)"';
export const CV_HEADER = '#"Step" "CV"';

/** The pod's filesystem as far as exec can see it: /results (an emptyDir) plus a few fixed files. */
export class PodFs {
  readonly files = new Map<string, string[]>();
  read(path: string): string[] | undefined {
    return this.files.get(normalise(path));
  }
  write(path: string, lines: string[]): void {
    this.files.set(normalise(path), lines);
  }
  append(path: string, line: string): void {
    const p = normalise(path);
    const cur = this.files.get(p);
    if (cur) cur.push(line);
    else this.files.set(p, [line]);
  }
  isDir(path: string): boolean {
    const p = normalise(path);
    if (p === '/') return true;
    for (const k of this.files.keys()) if (k.startsWith(`${p}/`)) return true;
    return false;
  }
  /** Direct children of a directory (names, directories suffixed with '/' is left to the caller). */
  children(path: string): { name: string; dir: boolean }[] {
    const p = normalise(path);
    const prefix = p === '/' ? '/' : `${p}/`;
    const seen = new Map<string, boolean>();
    for (const k of this.files.keys()) {
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      if (name) seen.set(name, (seen.get(name) ?? false) || slash >= 0);
    }
    return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, dir]) => ({ name, dir }));
  }
  /** Everything under a prefix (for rclone up/down to the simulated bucket). */
  snapshot(prefix: string): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [k, v] of this.files) if (k.startsWith(prefix)) out.set(k, [...v]);
    return out;
  }
}

export function normalise(path: string): string {
  const parts: string[] = [];
  for (const seg of path.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

type Phase = 'pip' | 'start-script' | 'equilibration' | 'production' | 'upload' | 'uploading' | 'exited';

export interface RunEvents {
  log(line: string): void;
  /**
   * The shell's last line, `rclone copy --update /results …`: the window reaches the simulated bucket. A real
   * upload (S3 mode) returns a promise of rclone's exit code, which becomes the container's; the run then waits
   * for it and calls `exited` once it has settled.
   */
  upload(): void | Promise<number>;
  exited?(exitCode: number): void;
}

/**
 * One run of the main container's shell script: pip install, the window script (equilibration if needed, then
 * production, resuming from the checkpoint), then rclone. Each container (re)start creates a new WindowRun over
 * the same PodFs, as a restart in the same pod keeps the emptyDir.
 */
export class WindowRun {
  private phase: Phase = 'pip';
  private phaseLeft: number;
  private step = 0;
  private stepSpan = 0;
  private firstReport = true;
  private q: number;
  exitCode: number | undefined;
  /** Production step at which the Python script dies (crashScript fault); undefined: it does not. */
  crashAtStep: number | undefined;

  constructor(
    private readonly fs: PodFs,
    readonly id: WindowIdentity,
    private readonly params: RunParams,
    private readonly rng: Rng,
    /** This GPU's throughput, ns/day at 4 fs. */
    private readonly nsPerDay: number,
    private readonly ev: RunEvents,
  ) {
    this.phaseLeft = params.pipSeconds;
    this.q = this.qMean();
  }

  get currentStep(): number {
    return this.step;
  }
  get running(): boolean {
    return this.phase !== 'exited';
  }
  get inProduction(): boolean {
    return this.phase === 'production';
  }

  private path(suffix: string): string {
    return `${windowDir(this.id)}/${systemName(this.id)}-${suffix}`;
  }

  /** Where the biased Q distribution sits: Q cannot exceed 1, so the native-side windows sit a bit below Q0. */
  private qMean(): number {
    return Math.min(this.id.centre - 0.002, 0.975);
  }

  /** Advance by `seconds` of simulated time. Returns when the container exits or the time is used up. */
  advance(seconds: number): void {
    let left = seconds;
    while (left > 0 && this.phase !== 'exited') {
      switch (this.phase) {
        case 'pip': {
          if (this.phaseLeft === this.params.pipSeconds) this.pipLog();
          const used = Math.min(left, this.phaseLeft);
          this.phaseLeft -= used;
          left -= used;
          if (this.phaseLeft <= 0) this.phase = 'start-script';
          break;
        }
        case 'start-script':
          this.startScript();
          break;
        case 'equilibration':
        case 'production':
          left = this.simulate(left);
          break;
        case 'upload': {
          const used = Math.min(left, this.phaseLeft);
          this.phaseLeft -= used;
          left -= used;
          if (this.phaseLeft <= 0) {
            const pending = this.ev.upload();
            if (pending) {
              this.phase = 'uploading';
              left = 0;
              void pending.then((code) => {
                if (this.phase !== 'uploading') return; // killed meanwhile
                this.exitCode = code;
                this.phase = 'exited';
                this.ev.exited?.(code);
              });
            } else {
              this.exitCode = 0;
              this.phase = 'exited';
            }
          }
          break;
        }
        case 'uploading':
          left = 0; // the container exits when the upload has finished
          break;
      }
    }
  }

  private pipLog(): void {
    for (const l of [
      'Collecting git+https://github.com/openforcefield/proteinbenchmark.git@nagl',
      '  Cloning https://github.com/openforcefield/proteinbenchmark.git (to revision nagl) to /tmp/pip-req-build-7c2x1q0d',
      "  Running command git clone --filter=blob:none --quiet https://github.com/openforcefield/proteinbenchmark.git /tmp/pip-req-build-7c2x1q0d",
      '  Resolved https://github.com/openforcefield/proteinbenchmark.git to commit cc8169d0b4f1e1e3b4c1c6f1f0d9a6b2a0e1c3d4',
      '  Preparing metadata (setup.py): started',
      "  Preparing metadata (setup.py): finished with status 'done'",
      'Building wheels for collected packages: proteinbenchmark',
      'Successfully built proteinbenchmark',
      'Installing collected packages: proteinbenchmark',
      'Successfully installed proteinbenchmark-0.1.dev1+gcc8169d',
    ])
      this.ev.log(l);
  }

  private block(nSteps: number, timestepFs: number, outputFrequency: number): void {
    const p = this.params;
    for (const l of [
      'Running simulation with',
      '    temperature 298.0 K',
      '    pressure 1.000 atm',
      '    langevin_friction 1.0 ps^-1',
      '    barostat_frequency 25 steps',
      `    timestep ${timestepFs.toFixed(1)} fs`,
      `    n_steps ${nSteps} steps`,
      `    output_frequency ${outputFrequency} steps`,
      `    checkpoint_frequency ${p.checkpointFrequency} steps`,
      `    save_state_frequency ${p.saveStateFrequency} steps`,
      `    umbrella_energy_constant ${this.id.k.toFixed(2)}`,
      `    window_center ${this.id.centre.toFixed(2)}`,
    ])
      this.ev.log(l);
  }

  private startScript(): void {
    const p = this.params;
    const chk = this.fs.read(this.path('production.chk'));
    if (chk) {
      const cp = this.checkpointStep(chk);
      this.step = cp;
      if (cp >= p.nSteps) {
        // The script returns at once when the checkpoint is already at n_steps.
        this.toUpload();
        return;
      }
      // Resume: truncate the .out and CV files back to the checkpoint (notes A9), then append without a header.
      const keep = Math.floor(cp / p.outputFrequency);
      const out = this.fs.read(this.path('production.out')) ?? [OUT_HEADER];
      this.fs.write(this.path('production.out'), out.slice(0, 1 + keep));
      const cv = this.fs.read(this.path('production-fraction-native-contacts.dat')) ?? [CV_HEADER];
      this.fs.write(this.path('production-fraction-native-contacts.dat'), cv.slice(0, 1 + keep));
      this.block(p.nSteps, 4, p.outputFrequency);
      this.begin('production');
      return;
    }
    const eq1 = this.fs.read(this.path('equilibration-1.xml'));
    if (!eq1?.length && p.equilibrationSteps > 0) {
      this.step = 0;
      this.fs.write(this.path('equilibration.out'), [OUT_HEADER]);
      this.block(p.equilibrationSteps, 1, Math.max(1, Math.floor(p.equilibrationSteps / 100)));
      this.begin('equilibration');
      return;
    }
    this.startProduction();
  }

  /**
   * The step the checkpoint holds: the simulator's own .chk says it; any other .chk (e.g. one put in the bucket by
   * hand) is taken to be the last checkpoint before production.out's last row.
   */
  private checkpointStep(chk: string[]): number {
    const p = this.params;
    const own = /step=(\d+)/.exec(chk.join('\n'))?.[1];
    if (own !== undefined) return Number(own);
    const out = this.fs.read(this.path('production.out')) ?? [];
    let last = 0;
    for (let i = out.length - 1; i > 0; i--) {
      const n = Number(out[i]?.split(' ')[0]);
      if (!out[i]?.startsWith('#') && Number.isFinite(n)) {
        last = n;
        break;
      }
    }
    if (last >= p.nSteps) return p.nSteps;
    return Math.floor(last / p.checkpointFrequency) * p.checkpointFrequency;
  }

  private startProduction(): void {
    const p = this.params;
    this.step = 0;
    this.fs.write(this.path('production.out'), [OUT_HEADER]);
    this.fs.write(this.path('production-fraction-native-contacts.dat'), [CV_HEADER]);
    this.fs.write(this.path('production.dcd'), ['(simulated DCD trajectory: binary in a real run)']);
    this.block(p.nSteps, 4, p.outputFrequency);
    this.begin('production');
  }

  private begin(phase: 'equilibration' | 'production'): void {
    this.phase = phase;
    this.firstReport = true;
    this.stepSpan = 0;
  }

  private toUpload(): void {
    this.phase = 'upload';
    this.phaseLeft = this.params.uploadSeconds;
  }

  /** Integrate for up to `seconds`; returns the unused time (when a phase ends early). */
  private simulate(seconds: number): number {
    const p = this.params;
    const eq = this.phase === 'equilibration';
    const timestepNs = eq ? 1e-6 : 4e-6;
    const total = eq ? p.equilibrationSteps : p.nSteps;
    const every = eq ? Math.max(1, Math.floor(p.equilibrationSteps / 100)) : p.outputFrequency;
    const stepsPerSecond = this.nsPerDay / 86400 / 4e-6;
    let left = seconds;
    while (left > 0) {
      const nextReport = (Math.floor(this.step / every) + 1) * every;
      const need = (nextReport - this.step) / stepsPerSecond;
      if (need > left) {
        const advanced = Math.floor(left * stepsPerSecond);
        this.step += advanced;
        this.stepSpan += advanced;
        return 0;
      }
      left -= need;
      this.stepSpan += nextReport - this.step;
      this.step = nextReport;
      if (!eq && this.crashAtStep !== undefined && this.step > this.crashAtStep) {
        this.crash();
        return left;
      }
      this.report(eq, timestepNs);
      if (this.step >= total) {
        if (eq) {
          this.fs.write(this.path('equilibration-1.xml'), ['<?xml version="1.0" ?>', '<State openmmVersion="8.1.1" stepCount="0" time="0">', '</State>']);
          this.startProduction();
        } else this.toUpload();
        return left;
      }
    }
    return 0;
  }

  private report(eq: boolean, timestepNs: number): void {
    const p = this.params;
    const ndof = 36_000;
    const kB = 0.0083144626;
    const T = 298 + 1.2 * this.rng.normal();
    const ke = 0.5 * ndof * kB * T;
    const pe = -561_000 + 260 * this.rng.normal();
    const vol = 176.2 + 0.15 * this.rng.normal();
    const speed = this.firstReport ? '--' : pyG3((this.nsPerDay * (eq ? 0.25 : 1)) * (1 + 0.02 * this.rng.normal()));
    this.firstReport = false;
    const timePs = this.step * timestepNs * 1000;
    const row = [String(this.step), pyFloat(timePs), pyFloat(pe), pyFloat(ke), pyFloat(pe + ke), pyFloat(T), pyFloat(vol), speed].join(' ');
    if (eq) {
      this.fs.append(this.path('equilibration.out'), row);
      return;
    }
    this.fs.append(this.path('production.out'), row);
    // AR(1) around the biased mean: correlated frames, sigma ~ sqrt(kT/2k) widened a little (notes A12).
    const sigma = 0.0085;
    const phi = 0.85;
    this.q = this.qMean() + phi * (this.q - this.qMean()) + Math.sqrt(1 - phi * phi) * sigma * this.rng.normal();
    if (this.q > 1) this.q = 2 - this.q;
    this.fs.append(this.path('production-fraction-native-contacts.dat'), `${this.step} ${this.q.toFixed(8)}`);
    if (this.step % p.checkpointFrequency === 0 || this.step >= p.nSteps) {
      this.fs.write(this.path('production.chk'), [`simulated OpenMM checkpoint step=${this.step}`]);
    }
    if (this.step % p.saveStateFrequency === 0) {
      const n = this.step / p.saveStateFrequency;
      this.fs.write(this.path(`production-${n}.xml`), ['<?xml version="1.0" ?>', `<State openmmVersion="8.1.1" stepCount="${this.step}" time="${pyFloat(timePs)}">`, '</State>']);
    }
  }

  private crash(): void {
    for (const l of [
      'Traceback (most recent call last):',
      '  File "/opt/repo/umbrella-scripts/run-umbrella-window.py", line 121, in <module>',
      '    main()',
      '  File "/opt/conda/lib/python3.11/site-packages/proteinbenchmark/openmm_simulation.py", line 412, in run',
      '    simulation.step(steps_to_run)',
      'openmm.OpenMMException: Particle coordinate is NaN.  For more information, see https://github.com/openmm/openmm/wiki/Frequently-Asked-Questions#nan',
    ])
      this.ev.log(l);
    // No `set -e` in the main command: the shell carries on to the rclone line, which succeeds (notes A6).
    this.toUpload();
  }

  /** The process dies now (OOM kill, eviction): no upload, nothing more written. */
  kill(exitCode: number): void {
    this.phase = 'exited';
    this.exitCode = exitCode;
  }
}
