import { stringify } from 'yaml';
import '../mod';
import { buildAsyncApi } from './asyncapi';
import { wireJsonSchemas } from './json-schemas';

/** The version stamped into the AsyncAPI document; raise it with every wire change. */
export const WIRE_VERSION = '0.1.0';

/**
 * Renders every generated document as text, keyed by its path from the workspace root.
 * Both the generator script and the staleness test use this, so they cannot disagree.
 */
export function renderDocs(): { files: Record<string, string> } {
  const files: Record<string, string> = {};
  files['docs/asyncapi.yaml'] =
    '# Generated from libs/contracts by `npm run contracts:generate`. Do not edit.\n' +
    stringify(buildAsyncApi(WIRE_VERSION), { lineWidth: 0, aliasDuplicateObjects: false });
  const schemas = wireJsonSchemas((id) => `./${id}.json`);
  for (const [id, schema] of Object.entries(schemas)) {
    const standalone = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: `${id}.json`,
      ...schema,
    };
    files[`docs/schemas/${id}.json`] = `${JSON.stringify(standalone, null, 2)}\n`;
  }
  return { files };
}
