// Jest on Node 20 cannot load ES modules from CommonJS, and NestJS 12 is ESM while parts of its
// ecosystem are CommonJS. Under Jest every file is therefore compiled to CommonJS by ts-jest; the
// few uses of import.meta in those packages are rewritten to their CommonJS equivalents first.
const { TsJestTransformer } = require('ts-jest');

function rewrite(source) {
  if (!source.includes('import.meta')) return source;
  return (
    source
      // CommonJS already has a `require`; a module-level one made by createRequire would clash.
      .replace(/\bconst require = createRequire\(/g, 'const __esmRequire = createRequire(')
      .replace(/import\.meta\.resolve\(/g, 'require.resolve(')
      .replace(/import\.meta\.url/g, "require('node:url').pathToFileURL(__filename).href")
      .replace(/import\.meta\.dirname/g, '__dirname')
      .replace(/import\.meta\.filename/g, '__filename')
  );
}

class EsmToCjsTransformer extends TsJestTransformer {
  process(source, path, options) {
    return super.process(rewrite(source), path, options);
  }

  processAsync(source, path, options) {
    return super.processAsync(rewrite(source), path, options);
  }

  getCacheKey(source, path, options) {
    return super.getCacheKey(rewrite(source), path, options);
  }
}

module.exports = { createTransformer: (config) => new EsmToCjsTransformer(config) };
