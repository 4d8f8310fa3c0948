// Validates an OpenAPI document with an independent validator (@apidevtools/swagger-parser:
// the OpenAPI 3.0 JSON Schema, then its own checks: unique operationIds, path parameters declared,
// $refs resolving). Exit 0 and a summary line when valid; exit 1 with the reasons otherwise.
//   node validate_openapi.mjs FILE
import SwaggerParser from "@apidevtools/swagger-parser";

const [file] = process.argv.slice(2);
try {
  const api = await SwaggerParser.validate(file);
  const operations = Object.values(api.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  console.log(`valid: OpenAPI ${api.openapi}, ${Object.keys(api.paths).length} paths, ${operations} operations`);
} catch (error) {
  console.error(`invalid: ${error.message}`);
  process.exit(1);
}
