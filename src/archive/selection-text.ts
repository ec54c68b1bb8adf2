import type { ExportSelection } from './archive-export.entity.js';

/** The selection in Swedish, for the package's README and the pages. */
export function describeSelection(selection: ExportSelection, caseCount: number): string {
  const parts: string[] = [];
  if (selection.caseIds) parts.push('utvalda ärenden');
  if (selection.series) parts.push(`diarieserie ${selection.series}`);
  if (selection.closedFrom && selection.closedTo) {
    parts.push(`avslutade ${selection.closedFrom}–${selection.closedTo}`);
  } else if (selection.closedFrom) {
    parts.push(`avslutade från och med ${selection.closedFrom}`);
  } else if (selection.closedTo) {
    parts.push(`avslutade till och med ${selection.closedTo}`);
  }
  const what = parts.join(', ');
  const count = caseCount === 1 ? '1 avslutat ärende' : `${caseCount} avslutade ärenden`;
  return `${what.charAt(0).toUpperCase()}${what.slice(1)}: ${count}`;
}
