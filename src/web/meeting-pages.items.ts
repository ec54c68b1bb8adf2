import type { DispatchResultDto, ItemDto } from '../meetings/dto/meeting.dto.js';
import type { Choice } from './form-fields.js';
import { ITEM_TEXTS, lines } from './meeting-pages.forms.js';

// The paragraph pages' small conversions: form values to the API body and back, and texts.

/** How many hits the case search offers to pick from. */
export const HITS = 20;

export const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** A number when the text is one; otherwise the text, for the DTO to refuse. */
export const number = (text: string): number | string => (/^\d+$/.test(text) ? Number(text) : text);

export function text(value: unknown): string {
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0] ?? '') : '';
}

/**
 * The API body of a paragraph from its form: the picked case, the organisations ticked and the
 * other receivers typed one per line. When editing, an emptied text clears it.
 */
export function itemBody(values: Record<string, string | string[]>, editing: boolean) {
  const body: Record<string, unknown> = {};
  const value = (name: string) => text(values[name]);
  for (const name of ['title', 'decision'] as const) {
    if (editing || value(name).trim() !== '') body[name] = value(name);
  }
  for (const name of ITEM_TEXTS) {
    if (value(name).trim() !== '') body[name] = value(name);
    else if (editing) body[name] = null;
  }
  const caseId = value('caseId');
  if (caseId !== '') body.caseId = number(caseId);
  else if (editing) body.caseId = null;
  body.sendTo = [...list(values.sendTo).filter(Boolean).map(number), ...lines(values.sendToNames)];
  return body;
}

/** A paragraph's fields as its form shows them. */
export function valuesOf(item: ItemDto): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {
    title: item.title ?? '',
    decision: item.decision ?? '',
    caseId: item.caseId === null ? '' : String(item.caseId),
    version: String(item.version),
    sendTo: item.sendTo.flatMap((entry) =>
      entry.organisationId === null ? [] : [String(entry.organisationId)],
    ),
    sendToNames: item.sendTo
      .filter((entry) => entry.organisationId === null)
      .map((entry) => entry.name)
      .join('\n'),
  };
  for (const name of ITEM_TEXTS) values[name] = item[name] ?? '';
  return values;
}

const TEXT_HEADINGS: [keyof ItemDto, string][] = [
  ['documents', 'Handlingar'],
  ['background', 'Bakgrund'],
  ['proposals', 'Yrkanden'],
  ['decisionProcess', 'Beslutsgång'],
  ['deliberation', 'Överläggning'],
  ['decision', 'Beslut'],
  ['reservations', 'Reservationer'],
];

/** The paragraph's texts that have content, with their headings, in the extract's order. */
export function textsOf(item: ItemDto): { heading: string; text: string }[] {
  return TEXT_HEADINGS.flatMap(([name, heading]) => {
    const value = item[name];
    return typeof value === 'string' && value !== '' ? [{ heading, text: value }] : [];
  });
}

/** What the case search found, in a sentence. */
export function hitText(count: number, q: string): string {
  if (count === 0) return `Inga ärenden hittades för ”${q}”.`;
  const found = count === 1 ? '1 ärende hittades' : `${count} ärenden hittades`;
  return `${found} för ”${q}”${count === HITS ? ' (de senaste; skriv fler ord för att hitta andra)' : ''}.`;
}

/** What the dispatch did, per organisation, as the flash says it. */
export function dispatchText(result: DispatchResultDto): string {
  const parts = result.items.map(
    (entry) =>
      `${entry.organisationName} (${entry.documentNumber}${entry.queued ? '' : ', skickat tidigare'})`,
  );
  return `Protokollsutdraget är expedierat till ${parts.join(', ')}`;
}

/** The case radios: none, the case already picked, then the search's hits. */
export function caseChoicesOf(
  chosen: { id: number; label: string } | null,
  hits: { id: number; caseNumber: string; title: string | null }[],
): Choice[] {
  const choices: Choice[] = [{ value: '', label: 'Inget ärende' }];
  const add = (value: number, label: string) => {
    if (!choices.some((choice) => choice.value === String(value)))
      choices.push({ value: String(value), label });
  };
  if (chosen) add(chosen.id, chosen.label);
  for (const hit of hits) add(hit.id, `${hit.caseNumber} ${hit.title ?? 'Sekretessbelagt ärende'}`);
  return choices;
}
