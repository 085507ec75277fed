import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  type BookService,
  DeleteLoanPolicyResponseSchema,
  ListLoanPoliciesResponseSchema,
  type LoanPolicy as LoanPolicyMessage,
  LoanPolicySchema,
} from "@lms/gen/library/book/v1/book_pb";
import type pg from "pg";
import type { LoanPolicies } from "../domain/loan-policy.cache.js";
import type { LoanPolicy } from "../domain/loan-policy.js";
import * as policies from "../domain/loan-policy.service.js";

type PolicyMethods = Pick<ServiceImpl<typeof BookService>, "listLoanPolicies" | "putLoanPolicy" | "deleteLoanPolicy">;

/** Domain policy → proto message. */
export function policyToProto(p: LoanPolicy): LoanPolicyMessage {
  return create(LoanPolicySchema, { ...p });
}

/** The loan policy methods of BookService (DESIGN.md §8); createBookRpc mounts them beside the others. */
export function createLoanPolicyRpc(pool: pg.Pool, cache: LoanPolicies): PolicyMethods {
  return {
    async listLoanPolicies() {
      return create(ListLoanPoliciesResponseSchema, { policies: (await policies.listPolicies(pool)).map(policyToProto) });
    },
    async putLoanPolicy(req) {
      return policyToProto(await policies.putPolicy(pool, cache, req));
    },
    async deleteLoanPolicy(req) {
      await policies.deletePolicy(pool, cache, req);
      return create(DeleteLoanPolicyResponseSchema);
    },
  };
}
