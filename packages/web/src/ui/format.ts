// Dates and statuses as people read them.
import type { CopyStatus } from "../api/types.js";

const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export function formatDate(iso: string): string {
  return DATE.format(new Date(iso));
}

export const COPY_STATUS_TEXT: Record<CopyStatus, string> = {
  COPY_STATUS_UNSPECIFIED: "Unknown",
  COPY_STATUS_AVAILABLE: "Available",
  COPY_STATUS_ON_LOAN: "On loan",
  COPY_STATUS_LOST: "Lost",
  COPY_STATUS_WITHDRAWN: "Withdrawn",
};

export function availabilityText(available: number, total: number): string {
  return `${available} of ${total} available`;
}
