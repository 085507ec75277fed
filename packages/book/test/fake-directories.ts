import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { notFound, unavailable } from "@lms/platform";
import { luhnCheckDigit } from "../src/domain/desk-scan.js";
import {
  type AuthorDirectory,
  answered,
  type CategoryDirectory,
  type LinkAnswer,
  type Patron,
  type PatronDirectory,
  UNAVAILABLE,
} from "../src/domain/ports.js";

/** An in-memory author service: `known` authors exist; `down` makes every call UNAVAILABLE. */
export class FakeAuthors implements AuthorDirectory {
  readonly known = new Set<string>();
  down = false;

  /** A new existing author's id. */
  add(): string {
    const id = randomUUID();
    this.known.add(id);
    return id;
  }

  async existingAuthorIds(ids: string[]): Promise<Set<string>> {
    if (this.down) throw unavailable("author service unavailable");
    return new Set(ids.filter((id) => this.known.has(id)));
  }
}

type CategoryMethod = "categoriesOf" | "itemsIn" | "setItemLinks" | "related";

/**
 * An in-memory category service: `known` categories exist, `links` holds each item's sorted set.
 * It refuses unknown categories like the real one (NOT_FOUND, nothing changed), answers
 * UNAVAILABLE while `down` (reads: no answer), and counts calls per method. While `frozen` it
 * behaves like a stopped process: reads get no answer, writes end DEADLINE_EXCEEDED, and the
 * writes it was sent are carried out late, in the order they came, when `thaw()` is called (as
 * a SIGCONT would).
 */
export class FakeCategories implements CategoryDirectory {
  readonly known = new Set<string>();
  readonly links = new Map<string, string[]>();
  readonly calls: Record<CategoryMethod, number> = {
    categoriesOf: 0,
    itemsIn: 0,
    setItemLinks: 0,
    related: 0,
  };
  readonly bearers: string[] = [];
  down = false;
  frozen = false;
  private readonly late: (() => void)[] = [];

  /** A new existing category's id. */
  add(): string {
    const id = randomUUID();
    this.known.add(id);
    return id;
  }

  linksOf(itemId: string): string[] {
    return this.links.get(itemId) ?? [];
  }

  async categoriesOf(itemIds: readonly string[]): Promise<LinkAnswer<Map<string, string[]>>> {
    if (!this.answers("categoriesOf")) return UNAVAILABLE;
    return answered(new Map(itemIds.map((id) => [id, this.linksOf(id)])));
  }

  async itemsIn(categoryId: string, limit: number): Promise<LinkAnswer<string[]>> {
    if (!this.answers("itemsIn")) return UNAVAILABLE;
    const items = [...this.links].filter(([, cats]) => cats.includes(categoryId)).map(([item]) => item);
    return answered(items.sort().slice(0, limit));
  }

  async setItemLinks(itemId: string, categoryIds: readonly string[], options: { bearer?: string; ignoreMissing?: boolean } = {}) {
    const apply = () => {
      const missing = categoryIds.filter((id) => !this.known.has(id));
      if (missing.length > 0 && !options.ignoreMissing) throw notFound("category", missing.join(", "));
      const kept = categoryIds.filter((id) => this.known.has(id));
      this.setLinks(itemId, kept);
      return { categoryIds: [...kept].sort(), missing };
    };
    if (this.frozen) {
      this.calls.setItemLinks++;
      this.late.push(() => void apply());
      throw new ConnectError("category service did not answer in time", Code.DeadlineExceeded);
    }
    this.enter("setItemLinks");
    if (options.bearer) this.bearers.push(options.bearer);
    return apply();
  }

  /** Ends `frozen`: carries out the writes it was sent meanwhile, in order (refusals are dropped). */
  thaw(): void {
    this.frozen = false;
    for (const run of this.late.splice(0)) {
      try {
        run();
      } catch {
        // a refused late write changed nothing
      }
    }
  }

  async related(itemId: string, limit: number): Promise<LinkAnswer<Map<string, number>>> {
    if (!this.answers("related")) return UNAVAILABLE;
    const mine = this.linksOf(itemId);
    const shared = [...this.links]
      .filter(([item]) => item !== itemId)
      .map(([item, cats]) => [item, cats.filter((c) => mine.includes(c)).length] as const)
      .filter(([, n]) => n > 0);
    return answered(new Map(shared.slice(0, limit)));
  }

  private setLinks(itemId: string, categoryIds: string[]): void {
    if (categoryIds.length === 0) this.links.delete(itemId);
    else this.links.set(itemId, [...new Set(categoryIds)].sort());
  }

  /** Counts a read; false when it gets no answer. */
  private answers(method: CategoryMethod): boolean {
    this.calls[method]++;
    return !this.frozen && !this.down;
  }

  private enter(method: CategoryMethod): void {
    this.calls[method]++;
    if (this.frozen) throw new ConnectError("category service did not answer in time", Code.DeadlineExceeded);
    if (this.down) throw unavailable("category service unavailable");
  }
}

/**
 * An in-memory auth service for lending: every user exists, in `groups`' group or `default`,
 * except the `unknown` ones; a card number names a user once `issueCard` gave it to them.
 */
export class FakePatrons implements PatronDirectory {
  readonly groups = new Map<string, string>();
  readonly unknown = new Set<string>();
  private readonly cards = new Map<string, string>();
  private nextCard = 100_000_000;

  /** Gives the user a library card (10 digits, Luhn check digit last) and returns its number. */
  issueCard(userId: string): string {
    const body = String(this.nextCard++);
    const card = body + luhnCheckDigit(body);
    this.cards.set(card, userId);
    return card;
  }

  async findPatrons({ ids = [], cardNumbers = [] }: { ids?: readonly string[]; cardNumbers?: readonly string[] }): Promise<Patron[]> {
    const carded = cardNumbers.flatMap((card) => this.cards.get(card) ?? []);
    return [...ids, ...carded].filter((id) => !this.unknown.has(id)).map((id) => this.patron(id));
  }

  private patron(id: string): Patron {
    const cardNumber = [...this.cards].find(([, holder]) => holder === id)?.[0] ?? "";
    return { id, patronGroup: this.groups.get(id) ?? "default", cardNumber };
  }
}
