import { workQueueNames } from '@reauth/worker';
import { startReauth, type ReauthProcess } from './processes.js';

/** The reauth processes of a chaos run: one ingress, N per worker role, and what was done to them. */
export class Fleet {
  readonly processes = new Map<string, ReauthProcess>();
  readonly kills: Array<{ role: string; pid: number; at: number }> = [];
  private ingress: ReauthProcess | undefined;
  private seq = 0;

  /** `spare`: roles never SIGKILLed (`--no-notify-kills` spares notify). */
  constructor(
    private readonly env: Record<string, string>,
    private readonly spare: readonly string[] = [],
  ) {}

  private launch(roles: string[]): ReauthProcess {
    const name = `${roles.join(',')}#${(this.seq += 1)}`;
    const p = startReauth({ roles, env: this.env, name });
    this.processes.set(name, p);
    return p;
  }

  async start(workersPerRole: number): Promise<void> {
    this.ingress = this.launch(['ingress']);
    for (const role of workQueueNames) for (let i = 0; i < workersPerRole; i += 1) this.launch([role]);
    await Promise.all([...this.processes.values()].map((p) => p.ready));
  }

  /** SIGKILL a random worker and start a replacement for its role. */
  async killOne(): Promise<void> {
    const workers = [...this.processes.values()].filter((p) => p.running && p !== this.ingress && !p.roles.some((r) => this.spare.includes(r)));
    const victim = workers[Math.floor(Math.random() * workers.length)];
    if (!victim) return;
    this.kills.push({ role: victim.roles.join(','), pid: victim.pid, at: Date.now() });
    await victim.kill();
    this.processes.delete(victim.name);
    await this.launch([...victim.roles]).ready;
  }

  /** A deploy's restart: SIGTERM (drain), then a new process on the same port. */
  async restartIngress(): Promise<void> {
    const old = this.ingress;
    if (old) {
      await old.stop();
      this.processes.delete(old.name);
    }
    this.ingress = this.launch(['ingress']);
    await this.ingress.ready;
  }

  async stopAll(): Promise<[number, number]> {
    const running = [...this.processes.values()].filter((p) => p.running);
    const exits = await Promise.all(running.map((p) => p.stop()));
    return [exits.filter((e) => e.code === 0).length, running.length];
  }

  async killAll(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.kill()));
  }
}
