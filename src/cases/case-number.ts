/** `<seriesCode> <year>/<sequence of at least 4 digits>`, e.g. `KS 2021/0486`. */
export function formatCaseNumber(seriesCode: string, year: number, sequence: number): string {
  return `${seriesCode} ${year}/${String(sequence).padStart(4, '0')}`;
}

/** `<caseNumber>-<n>`, e.g. `KS 2021/0486-3`. */
export function formatDocumentNumber(caseNumber: string, number: number): string {
  return `${caseNumber}-${number}`;
}
