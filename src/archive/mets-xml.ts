import { escapeAttribute, escapeXml } from './erms-xml.js';
import type { ArchivePackageInfo } from './archive-model.js';

/** One file the package holds, as METS lists it. */
export interface PackageFile {
  /** Path from the package's root folder. */
  path: string;
  mimeType: string;
  size: number;
  sha256: string;
  /** The document number for a document's file; absent for metadata and documentation. */
  documentNumber?: string;
  created?: Date;
}

/**
 * The package's root METS.xml (E-ARK CSIP): the descriptive metadata (erms.xml) in a dmdSec, every
 * document file in the representation's file group, each with its path, size, MIME type and
 * SHA-256, and a structural map tying them together.
 */
export function metsXml(
  info: ArchivePackageInfo,
  erms: PackageFile,
  documentation: PackageFile[],
  files: PackageFile[],
): string {
  const created = info.createdAt.toISOString();
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<mets:mets xmlns:mets="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink"' +
      ' xmlns:csip="https://DILCIS.eu/XML/METS/CSIPExtensionMETS"' +
      ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
      ' xsi:schemaLocation="http://www.loc.gov/METS/ http://www.loc.gov/standards/mets/mets.xsd"' +
      ` OBJID="${escapeAttribute(info.packageId)}" LABEL="${escapeAttribute(`Arkivleverans från ${info.producer}`)}"` +
      ' TYPE="ERMS" csip:CONTENTINFORMATIONTYPE="citserms_v3_0" PROFILE="https://earksip.dilcis.eu/profile/E-ARK-SIP.xml">',
    `  <mets:metsHdr CREATEDATE="${created}" RECORDSTATUS="NEW" csip:OAISPACKAGETYPE="SIP">`,
    '    <mets:agent ROLE="CREATOR" TYPE="ORGANIZATION">',
    `      <mets:name>${escapeXml(info.producer)}</mets:name>`,
    '    </mets:agent>',
    '    <mets:agent ROLE="CREATOR" TYPE="OTHER" OTHERTYPE="SOFTWARE">',
    `      <mets:name>${escapeXml(info.system.name)}</mets:name>`,
    `      <mets:note csip:NOTETYPE="SOFTWARE VERSION">${escapeXml(info.system.version)}</mets:note>`,
    '    </mets:agent>',
    '  </mets:metsHdr>',
    `  <mets:dmdSec ID="dmd-erms" CREATED="${created}" STATUS="CURRENT">`,
    `    <mets:mdRef LOCTYPE="URL" xlink:type="simple" xlink:href="${escapeAttribute(erms.path)}"` +
      ` MDTYPE="OTHER" OTHERMDTYPE="ERMS" MIMETYPE="${escapeAttribute(erms.mimeType)}" SIZE="${erms.size}"` +
      ` CREATED="${created}" CHECKSUM="${erms.sha256}" CHECKSUMTYPE="SHA-256"/>`,
    '  </mets:dmdSec>',
    '  <mets:fileSec ID="filesec">',
    '    <mets:fileGrp ID="grp-documentation" USE="Documentation">',
    ...documentation.map((file, index) => fileElement(file, `doc-${index + 1}`, created)),
    '    </mets:fileGrp>',
    '    <mets:fileGrp ID="grp-rep1" USE="Representations/rep1">',
    ...files.map((file, index) => fileElement(file, `file-${index + 1}`, created)),
    '    </mets:fileGrp>',
    '  </mets:fileSec>',
    '  <mets:structMap ID="structmap" TYPE="PHYSICAL" LABEL="CSIP">',
    `    <mets:div ID="div-root" LABEL="${escapeAttribute(info.packageId)}">`,
    '      <mets:div ID="div-metadata" LABEL="Metadata" DMDID="dmd-erms"/>',
    '      <mets:div ID="div-documentation" LABEL="Documentation">',
    ...documentation.map((_, index) => `        <mets:fptr FILEID="doc-${index + 1}"/>`),
    '      </mets:div>',
    '      <mets:div ID="div-rep1" LABEL="Representations/rep1">',
    ...files.map((_, index) => `        <mets:fptr FILEID="file-${index + 1}"/>`),
    '      </mets:div>',
    '    </mets:div>',
    '  </mets:structMap>',
    '</mets:mets>',
    '',
  ];
  return lines.join('\n');
}

function fileElement(file: PackageFile, id: string, created: string): string {
  const label = file.documentNumber ? ` LABEL="${escapeAttribute(file.documentNumber)}"` : '';
  return [
    `      <mets:file ID="${id}"${label} MIMETYPE="${escapeAttribute(file.mimeType)}" SIZE="${file.size}"` +
      ` CREATED="${file.created?.toISOString() ?? created}" CHECKSUM="${file.sha256}" CHECKSUMTYPE="SHA-256">`,
    `        <mets:FLocat LOCTYPE="URL" xlink:type="simple" xlink:href="${escapeAttribute(file.path)}"/>`,
    '      </mets:file>',
  ].join('\n');
}
