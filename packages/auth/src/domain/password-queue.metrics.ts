import { Counter, Gauge, type Registry } from "prom-client";
import type { BoundedHasher } from "./password-queue.js";

/**
 * Exposes the argon2 queue on /metrics: hashes running and waiting now, and how many were shed
 * (queue full, 503) or dropped (caller gone before they ran).
 */
export function registerHashingMetrics(registry: Registry, hasher: BoundedHasher): void {
  const registers = [registry];
  new Gauge({
    name: "lms_password_hashes_running",
    help: "argon2 hashes running",
    registers,
    collect() {
      this.set(hasher.state().running);
    },
  });
  new Gauge({
    name: "lms_password_hashes_queued",
    help: "argon2 hashes waiting for a slot",
    registers,
    collect() {
      this.set(hasher.state().queued);
    },
  });
  new Counter({
    name: "lms_password_hashes_shed_total",
    help: "argon2 hashes refused: queue full (503)",
    registers,
    collect() {
      this.reset();
      this.inc(hasher.state().shed);
    },
  });
  new Counter({
    name: "lms_password_hashes_dropped_total",
    help: "queued argon2 hashes dropped: caller gone",
    registers,
    collect() {
      this.reset();
      this.inc(hasher.state().dropped);
    },
  });
}
