import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { type BookService, CheckBorrowResponseSchema, RenewLoanResponseSchema } from "@lms/gen/library/book/v1/book_pb";
import { inIdempotentTransaction, type Principal, principalKey, requireUuid, unauthenticated } from "@lms/platform";
import type pg from "pg";
import * as loans from "../domain/loan.service.js";
import type { PatronLookup } from "../domain/patron-cache.js";
import * as renewals from "../domain/renewal.service.js";
import { loanToProto } from "./book.rpc.js";

/** The renewal and eligibility methods of BookService (DESIGN.md §8), mounted beside the others. */
export type RenewalMethods = "renewLoan" | "checkBorrow";

/** RenewLoan and CheckBorrow: part of the one BookService implementation. */
export function createRenewalRpc(
  pool: pg.Pool,
  deps: { patrons: PatronLookup; lending: loans.Lending },
): Pick<ServiceImpl<typeof BookService>, RenewalMethods> {
  return {
    async renewLoan(req, ctx) {
      const id = requireUuid("id", req.id);
      // The borrower (their patron group picks the policy) is asked before the transaction,
      // so no connection waits on the auth service.
      const borrower = await deps.patrons.byId(await renewals.renewableBy(pool, callerOf(ctx), id));
      return inIdempotentTransaction(pool, ctx, req, async (tx) =>
        create(RenewLoanResponseSchema, { loan: loanToProto(await renewals.renewLoan(tx, deps.lending, borrower, id)) }),
      );
    },
    async checkBorrow(req, ctx) {
      const bookId = requireUuid("id", req.id);
      const patron = await deps.patrons.byId(loans.borrowerOf(callerOf(ctx), req.userId));
      const found = await renewals.checkBorrow(pool, deps.lending, patron, bookId);
      return create(CheckBorrowResponseSchema, {
        eligible: found.eligible,
        blockers: found.blockers.map(({ reason, message }) => ({ reason, message })),
        dueAt: timestampFromDate(found.dueAt),
      });
    },
  };
}

/** The verified caller; the access rule (member or stricter) has already required one. */
function callerOf(ctx: HandlerContext): Principal {
  const caller = ctx.values.get(principalKey);
  if (!caller) throw unauthenticated("missing bearer token");
  return caller;
}
