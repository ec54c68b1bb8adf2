import type { ArchivePackageInfo } from './archive-model.js';
import { DATA_DIR, ERMS_PATH, METS_PATH } from './package-layout.js';

/** The package's README.txt, in Swedish: who delivers what, from which system, and how it is laid out. */
export function archiveReadme(
  info: ArchivePackageInfo,
  caseNumbers: readonly string[],
  fileCount: number,
): string {
  const lines = [
    `Arkivleverans ${info.packageId}`,
    '',
    `Arkivbildare (producent): ${info.producer}`,
    `Levererande system: ${info.system.name} ${info.system.version}`,
    `Skapad: ${info.createdAt.toISOString()}`,
    `Urval: ${info.selection}`,
    `Omfattning: ${caseNumbers.length} avslutade ärenden med ${fileCount} handlingar`,
    '',
    'Paketet är ett informationspaket enligt E-ARK (CSIP/SIP):',
    `- ${METS_PATH}: förteckning över alla filer med storlek, MIME-typ, sökväg och SHA-256-kontrollsumma.`,
    `- ${ERMS_PATH}: ärendena och deras handlingar beskrivna enligt E-ARK CITS ERMS v3.0.2,`,
    '  validerad mot schemat ERMS_v3.xsd innan paketet skapades. Där finns ärendenas diarienummer,',
    '  handlingarnas nummer och riktning, remissomgångarna med remissinstanser, svarstider och anstånd,',
    '  paragraferna med protokollsutdrag och ärendenas händelselogg.',
    `- ${DATA_DIR}/: varje handlings fil, namngiven efter handlingens nummer`,
    '  (KS 2026/0001-3 blir KS_2026-0001-3 med filens ändelse).',
    '',
    'Sekretess: paketet innehåller alla handlingar, även sekretessmarkerade. Sekretessen och dess',
    'grund i offentlighets- och sekretesslagen anges i erms.xml för ärendet och för varje handling.',
    '',
    'Ärenden i paketet:',
    ...caseNumbers.map((number) => `- ${number}`),
    '',
  ];
  return lines.join('\n');
}
