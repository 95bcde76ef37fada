// Validates every object of a rendered manifest (stdin, multi-document YAML) against the Kubernetes and
// Prometheus-operator OpenAPI schemas shipped in kubernetes-models. Prints one line per problem; exit 1 if any.
import { parseAllDocuments } from 'yaml';
import { readFileSync } from 'node:fs';

const docs = parseAllDocuments(readFileSync(0, 'utf8')).map(d => d.toJS()).filter(Boolean);
let problems = 0;
for (const obj of docs) {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const pkg = group === 'monitoring.coreos.com' ? '@kubernetes-models/prometheus-operator' : 'kubernetes-models';
  const path = group === '' ? `${pkg}/${version}/${obj.kind}` : `${pkg}/${group}/${version}/${obj.kind}`;
  const name = `${obj.kind}/${obj.metadata?.name}`;
  let Model;
  try {
    Model = (await import(path))[obj.kind];
  } catch (e) {
    console.log(`${name}: no schema for ${obj.apiVersion} ${obj.kind}`);
    problems++;
    continue;
  }
  // kustomize folds long base64 values over lines, which the API server accepts (Go's decoder skips newlines)
  // and the schema's "byte" format does not: compare what the server compares.
  if (obj.kind === 'Secret' && obj.data) {
    for (const k of Object.keys(obj.data)) obj.data[k] = String(obj.data[k]).replace(/\s+/g, '');
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    console.log(`${name}: ${e.message}`);
    problems++;
  }
}
console.log(`${docs.length} objects checked, ${problems} problems`);
process.exit(problems ? 1 : 0);
