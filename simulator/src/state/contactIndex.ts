import type { ContactList, ContactSummary, SortDirection } from '../../../shared/schemas/contacts.js';
import { phoneNumbersBlock, summaryBlock, visibleIn } from './contacts.js';
import { invalid } from './errors.js';
import type { PbxState } from './model.js';
import type { StoredContact } from './telephonyModel.js';

/*
 * What GET /contacts needs of every contact, computed once per state revision instead of per request: the
 * lower-cased text a search runs over, the summary it answers with, and the orders it pages through. With
 * 10,000 contacts a request then only scans one string per contact and copies one page.
 */

/** Joins the values of a contact; no search term can span two of them. */
const SEPARATOR = '\u0000';

/** How many searches' matches an index keeps (per state revision). */
const RECENT_SEARCHES = 64;

export interface IndexEntry {
  contact: StoredContact;
  /** Every value, lower-cased, joined by SEPARATOR. */
  text: string;
  summary: ContactSummary;
}

export interface ContactListQuery {
  tags?: string[];
  searchTerms?: string;
  page?: number;
  pagesize?: number;
  sort?: string;
  sortdirection?: SortDirection;
}

export class ContactIndex {
  private readonly entries: IndexEntry[];
  private readonly orders = new Map<string, IndexEntry[]>();
  /**
   * The matches of recent searches (same book, terms, tags and order), so paging through one search or a
   * client polling it scans the contacts once per revision. Bounded: the oldest goes first.
   */
  private readonly recent = new Map<string, IndexEntry[]>();
  /** The list's two block descriptions per label language: the scheme is fixed for the index's revision. */
  private readonly blocks = new Map<'de' | 'en', Pick<ContactList, 'summaryBlockSchema' | 'phoneNumbersBlockSchema'>>();

  constructor(private readonly state: PbxState) {
    const { summary, phoneNumbers } = state.contactsScheme;
    this.entries = state.contacts.map((contact) => ({
      contact,
      text: Object.values(contact.values).join(SEPARATOR).toLowerCase(),
      summary: {
        id: contact.id,
        // Positions match the summary and phone-number blocks of the list; an unset value is "".
        summaryValues: summary.map((name) => contact.values[name] ?? ''),
        phoneNumberValues: phoneNumbers.map((name) => contact.values[name] ?? ''),
        additionalValues: contact.accountId === null ? {} : { accountId: contact.accountId },
      },
    }));
  }

  /** The entries in ascending order of `attribute` (empty values last), or of the summary without one. */
  private ordered(attribute: string | undefined): IndexEntry[] {
    const key = attribute ?? '';
    let order = this.orders.get(key);
    if (!order) {
      const names = attribute ? [attribute] : this.state.contactsScheme.summary;
      const sortKey = (e: IndexEntry) =>
        names.map((n) => (e.contact.values[n] ? '0' + e.contact.values[n].toLowerCase() : '1')).join(SEPARATOR);
      const keyed = this.entries.map((e) => ({ e, k: sortKey(e), id: Number(e.contact.id) }));
      keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.id - b.id));
      order = keyed.map((x) => x.e);
      this.orders.set(key, order);
    }
    return order;
  }

  /**
   * One page of what `book` (the caller's or `?userId=`'s private book, plus the central one) sees: every
   * search term must occur in some value (any case); with tags, a contact needs one of them (tags are folders:
   * picking two shows both). Pages count from 0; without a pagesize the one page holds every match.
   */
  list(book: number, q: ContactListQuery, lang: 'de' | 'en'): ContactList {
    const attribute = q.sort === undefined || q.sort === '' ? undefined : this.sortAttribute(q.sort);
    const terms = (q.searchTerms ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const tagIds = q.tags?.length ? this.tagIds(q.tags, book) : undefined;
    const key = JSON.stringify([book, attribute ?? null, terms, tagIds ? [...tagIds] : null]);
    let found = this.recent.get(key);
    if (!found) {
      found = [];
      for (const e of this.ordered(attribute)) {
        if (!visibleIn(e.contact, book)) continue;
        if (tagIds && !e.contact.tagIds.some((t) => tagIds.has(t))) continue;
        if (terms.length && !terms.every((t) => e.text.includes(t))) continue;
        found.push(e);
      }
      if (this.recent.size >= RECENT_SEARCHES) this.recent.delete(this.recent.keys().next().value!);
      this.recent.set(key, found);
    }
    const direction = q.sortdirection ?? 'ASC';
    const matches = direction === 'DESC' ? [...found].reverse() : found;
    const pagesize = q.pagesize ?? Math.max(matches.length, 1);
    const page = q.page ?? 0;
    return {
      contacts: matches.slice(page * pagesize, (page + 1) * pagesize).map((e) => e.summary),
      metadata: {
        page,
        pagesize,
        ...(attribute ? { sort: attribute } : {}),
        sortdirection: direction,
        totalPages: Math.ceil(matches.length / pagesize),
      },
      ...this.blocksIn(lang),
    };
  }

  private blocksIn(lang: 'de' | 'en') {
    let blocks = this.blocks.get(lang);
    if (!blocks) {
      const scheme = this.state.contactsScheme;
      blocks = {
        summaryBlockSchema: summaryBlock(scheme, lang),
        phoneNumbersBlockSchema: phoneNumbersBlock(scheme, lang),
      };
      this.blocks.set(lang, blocks);
    }
    return blocks;
  }

  /** `sort` names an attribute of the scheme, or its displayKey (any case). */
  private sortAttribute(sort: string): string {
    const wanted = sort.toLowerCase();
    for (const b of this.state.contactsScheme.blocks)
      for (const a of b.attributes)
        if (a.name.toLowerCase() === wanted || a.displayKey.toLowerCase() === wanted) return a.name;
    throw invalid('VALIDATION_FAILED', `query.sort: the contacts scheme has no attribute "${sort}"`, {
      field: 'query.sort',
    });
  }

  /** The visible tags a `tags` filter names, by id or by name (any case); names matching nothing match nothing. */
  private tagIds(wanted: string[], book: number): Set<string> {
    const lower = new Set(wanted.map((w) => w.toLowerCase()));
    return new Set(
      this.state.tags
        .filter((t) => visibleIn(t, book) && (lower.has(t.id) || lower.has(t.name.toLowerCase())))
        .map((t) => t.id),
    );
  }
}
