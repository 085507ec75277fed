// ErrorInfo reasons (DESIGN §3, §5, §8) in words for people. The server's own message is used for
// any reason not listed, so a new reason still reads as a sentence.
export const REASON_TEXT: Readonly<Record<string, string>> = Object.freeze({
  NO_COPIES_AVAILABLE: "Every copy of this book is on loan right now.",
  COPY_NOT_AVAILABLE: "That copy is not available to lend.",
  LOAN_LIMIT_REACHED: "You have reached the number of books you may borrow at once.",
  ALREADY_BORROWED: "You already have this book on loan.",
  NOT_BORROWED: "This book is not on loan to you.",
  PATRON_BLOCKED: "Borrowing is blocked while a loan is overdue. Return it first.",
  ITEM_NOT_LOANABLE: "This book cannot be borrowed; it is for use in the library.",
  RENEWAL_LIMIT_REACHED: "This loan has been renewed as many times as allowed.",
  LOAN_NOT_OPEN: "This loan has already been returned.",
  USER_NOT_FOUND: "No patron matches that card number or email.",
  COPY_NOT_ON_LOAN: "That copy is not on loan.",
  COPY_ON_LOAN: "That copy is on loan; check it in first.",
  BOOK_HAS_OPEN_LOANS: "This book still has copies on loan.",
  AUTHOR_HAS_BOOKS: "This author still has books in the catalogue.",
  CATEGORY_HAS_CHILDREN: "This category still has sub-categories.",
  COPIES_BELOW_ON_LOAN: "There cannot be fewer copies than are on loan.",
  DEFAULT_POLICY: "The default loan policy cannot be deleted.",
  LAST_ADMIN: "The last administrator must keep the admin role.",
  REFRESH_TOKEN_REUSED: "Your session ended for safety. Please sign in again.",
  PASSWORD_TOO_WEAK: "That password is too common. Choose a longer, less usual one.",
  IDEMPOTENCY_KEY_IN_USE: "The same request is still being processed. Wait a moment.",
});

/**
 * The same refusals as staff read them at the desk or on Manage, about a patron or a record
 * rather than "you". Reasons not listed here fall back to REASON_TEXT.
 */
export const STAFF_REASON_TEXT: Readonly<Record<string, string>> = Object.freeze({
  NO_COPIES_AVAILABLE: "Every copy of this book is on loan right now.",
  COPY_NOT_AVAILABLE: "That copy cannot be lent: it is on loan, lost or withdrawn.",
  LOAN_LIMIT_REACHED: "This patron has reached the number of loans their group may hold at once.",
  ALREADY_BORROWED: "This patron already has a copy of this book on loan.",
  PATRON_BLOCKED: "This patron is blocked: they have a loan that is overdue. Check that copy in first.",
  ITEM_NOT_LOANABLE: "This patron's group may not borrow this kind of book (the loan policy says not loanable).",
  USER_NOT_FOUND: "No patron has that card number.",
  COPY_NOT_ON_LOAN: "That copy is not on loan, so there is nothing to check in.",
  BOOK_HAS_OPEN_LOANS: "This book cannot be deleted while copies of it are on loan.",
  AUTHOR_HAS_BOOKS: "This author cannot be deleted while books in the catalogue name them.",
  CATEGORY_HAS_CHILDREN: "This category cannot be deleted while it has sub-categories. Move or delete them first.",
  COPIES_BELOW_ON_LOAN: "The number of copies cannot go below the copies on loan.",
  DEFAULT_POLICY: "The default loan policy (any group, any loan type) cannot be deleted; change it instead.",
  NOT_BORROWED: "This patron does not have this book on loan.",
});

/** Words for an HTTP status when the body says nothing more useful. */
export function statusText(status: number): string {
  if (status === 401) return "Please sign in to continue.";
  if (status === 403) return "Your account may not do this.";
  if (status === 404) return "That could not be found; it may have been removed.";
  if (status === 409) return "Someone changed this at the same time. Reload and try again.";
  if (status === 429) return "Too many attempts. Wait a little and try again.";
  if (status === 503 || status === 502) return "The library service is unavailable right now. Try again shortly.";
  if (status === 504) return "The library service took too long to answer. Try again.";
  return "Something went wrong on our side. Try again later.";
}
