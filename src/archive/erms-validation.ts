import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { memoryPages, validateXML } from 'xmllint-wasm';

/** At most this many of xmllint's messages are kept: the first ones tell what is wrong. */
const MAX_ERRORS = 20;

// A parsed document takes several times its size in memory; 2 GiB holds a 50 MB erms.xml.
const MAX_MEMORY_PAGES = 2 * memoryPages.GiB;

/**
 * Validates an XML file against an XML schema with libxml2's xmllint (compiled to WebAssembly).
 * `errors` holds xmllint's own messages (`<file>:<line>: …`), trimmed, at most 20.
 */
export async function validateErmsFile(
  xmlPath: string,
  schemaPath: string,
): Promise<{ valid: boolean; errors: string[] }> {
  const [xml, schema] = await Promise.all([readFile(xmlPath), readFile(schemaPath)]);
  try {
    const result = await validateXML({
      xml: { fileName: basename(xmlPath), contents: xml },
      schema: { fileName: basename(schemaPath), contents: schema },
      maxMemoryPages: MAX_MEMORY_PAGES,
    });
    const errors = result.errors
      .map((error) => error.rawMessage.trim())
      .filter((message) => message.length > 0)
      .slice(0, MAX_ERRORS);
    if (!result.valid && errors.length === 0) errors.push(result.rawOutput.trim());
    return { valid: result.valid, errors };
  } catch (error) {
    // xmllint could not run to a verdict (e.g. out of memory): the file is not shown valid.
    return { valid: false, errors: [`xmllint: ${(error as Error).message}`] };
  }
}
