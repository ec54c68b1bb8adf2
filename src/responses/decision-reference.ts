/**
 * A decision's reference as people write it: "§ 45", "45 §", "§45" and "45" are one paragraph,
 * stored as "45" (documents print it as "§ 45"); a letter stays apart and in lower case ("87 a").
 * Anything else (such as "2026:45") is kept as written, with its spacing collapsed.
 */
export function normaliseParagraph(value: string): string | null {
  const collapsed = value.replace(/\s+/g, ' ').trim();
  if (!collapsed) return null;
  const simple = /^(?:§ ?)?0*(\d{1,6}) ?([a-zåäö])?(?: ?§)?$/i.exec(collapsed);
  if (simple) return simple[2] ? `${simple[1]} ${simple[2].toLowerCase()}` : simple[1];
  return collapsed.replace(/^§ ?|(?: ?§)$/g, '').trim() || null;
}

/** The parts of a case number written `<series> <year>/<sequence>`, spacing and zeros aside. */
export function caseNumberParts(
  value: string,
): { series: string; year: number; sequence: number } | null {
  const match = /^([A-Za-zÅÄÖåäö]{1,10}) ?(\d{4}) ?\/ ?(\d{1,7})$/.exec(
    value.replace(/\s+/g, ' ').trim(),
  );
  if (!match || Number(match[3]) === 0) return null;
  return { series: match[1].toUpperCase(), year: Number(match[2]), sequence: Number(match[3]) };
}

/**
 * A case number in a series the directory knows is written as the register writes its own:
 * "SFN 2021/130", "sfn 2021/0130" and "SFN 2021 / 130" are all "SFN 2021/0130". A number in an
 * unknown series is kept as written, with its spacing collapsed.
 */
export function normaliseCaseNumber(
  value: string,
  isKnownSeries: (series: string) => boolean,
): string | null {
  const collapsed = value.replace(/\s+/g, ' ').trim();
  if (!collapsed) return null;
  const parts = caseNumberParts(collapsed);
  if (!parts || !isKnownSeries(parts.series)) return collapsed;
  return `${parts.series} ${parts.year}/${String(parts.sequence).padStart(4, '0')}`;
}
