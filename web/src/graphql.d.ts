// esbuild loads .graphql files as text (build.mjs); tests/test_web_documents.py validates them.
declare module "*.graphql" {
  const document: string;
  export default document;
}
