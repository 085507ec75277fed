import { AuthService } from "@lms/gen/library/auth/v1/auth_pb";
import { createServiceClient } from "@lms/platform";
import type { PatronDirectory } from "../domain/ports.js";

/**
 * The auth service as circulation uses it: one server-key-protected batch read of users
 * (BatchGetUsers, by id and by card number), with a deadline and retries.
 */
export function createPatronDirectoryClient(opts: { address: string; serverKey: string; timeoutMs: number }): PatronDirectory {
  const client = createServiceClient(AuthService, { ...opts, peer: "auth service", idempotent: ["BatchGetUsers"] });
  return {
    async findPatrons({ ids = [], cardNumbers = [] }) {
      if (ids.length === 0 && cardNumbers.length === 0) return [];
      const { users } = await client.batchGetUsers({ ids: [...ids], cardNumbers: [...cardNumbers] });
      return users.map(({ id, patronGroup, cardNumber }) => ({ id, patronGroup, cardNumber }));
    },
  };
}
