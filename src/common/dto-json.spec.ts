import 'reflect-metadata';
import { CaseDto, CasePageDto } from '../cases/dto/case.dto.js';
import { compileDtoSerializer, jsonSchemaOf } from './dto-json.js';

const CASE: CaseDto = {
  id: 12,
  caseNumber: 'KS 2026/0012',
  title: 'Översyn av taxor: "å", \\ och <b>',
  description: null,
  organisationId: 2,
  officerId: null,
  classification: '1.4.2',
  confidential: false,
  redacted: false,
  status: 'closed',
  closedReason: 'Beslut fattat',
  closedAt: '2026-11-22T08:00:00.000Z',
  documentCount: 3,
  version: 4,
  createdAt: '2026-11-22T08:00:00.000Z',
  updatedAt: '2026-11-23T08:00:00.000Z',
};

describe('compileDtoSerializer', () => {
  it('writes a case page exactly as JSON.stringify does', () => {
    const serialize = compileDtoSerializer<CasePageDto>(CasePageDto);
    const redacted: CaseDto = {
      ...CASE,
      id: 11,
      title: null,
      classification: null,
      redacted: true,
    };
    for (const page of [
      { items: [CASE, redacted], nextCursor: 'WzEwXQ' },
      { items: [], nextCursor: null },
    ]) {
      expect(JSON.parse(serialize(page))).toEqual(page);
      expect(serialize(page)).toBe(JSON.stringify(page));
    }
  });

  it('derives every documented property and requires it, so the contract cannot drift', () => {
    const schema = jsonSchemaOf(CaseDto) as { properties: object; required: string[] };
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(CASE).sort());
    expect(schema.required.sort()).toEqual(Object.keys(CASE).sort());
    const serialize = compileDtoSerializer<CasePageDto>(CasePageDto);
    const missing: Partial<CaseDto> = { ...CASE };
    delete missing.title;
    expect(() => serialize({ items: [missing as CaseDto], nextCursor: null })).toThrow(/title/);
  });
});
