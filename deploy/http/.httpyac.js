// httpyac settings for the .http files in this folder (deploy/http/run.sh runs them).
//
// The files stay plain REST Client / JetBrains HTTP client files; two hooks let httpyac read
// what those clients read:
//
// 1. Assertions are written as comments, `# ?? status == 201`: REST Client drops comment
//    lines, so they never end up in a request body, while httpyac runs them like its own
//    `?? status == 201` lines.
// 2. A named request's response is read as {{login.response.body.access_token}} (or with a
//    JSONPath, {{login.response.body.$.access_token}}) in REST Client; httpyac names the
//    parsed body itself ({{login.access_token}}), so the first form is rewritten into the
//    second before httpyac evaluates it; {{create.response.headers.Location}} likewise
//    becomes httpyac's {{createResponse.headers["location"]}}.
module.exports = {
  configureHooks(api) {
    const assert = api.hooks.parse.items.find((item) => item.id === 'assert');
    if (!assert) {
      // Fail loudly rather than run the files with their assertions silently ignored.
      throw new Error('deploy/http/.httpyac.js: this httpyac has no "assert" parse hook');
    }
    api.hooks.parse.addHook(
      'commentedAssert',
      async (getLineReader, context) => {
        const first = getLineReader().next();
        if (first.done || !first.value.textLine) return false;
        const m = /^\s*#\s*(\?\?\s.*)$/u.exec(first.value.textLine);
        if (!m) return false;
        const line = { ...first.value, textLine: m[1] };
        return assert.action(() => [line][Symbol.iterator](), context);
      },
      { before: ['meta', 'comment', 'assert'] },
    );

    api.hooks.replaceVariable.addHook(
      'restClientRequestVariables',
      async (text) => {
        if (typeof text !== 'string') return text;
        return text
          .replace(/\{\{\s*([A-Za-z_]\w*)\.response\.body\.(?:\$\.)?([^}]+?)\s*\}\}/g, '{{$1.$2}}')
          // REST Client's {{name.response.headers.Name}} is httpyac's nameResponse.headers
          // (header names lower-cased).
          .replace(/\{\{\s*([A-Za-z_]\w*)\.response\.headers\.([A-Za-z0-9-]+)\s*\}\}/g,
            (_, name, header) => `{{${name}Response.headers["${header.toLowerCase()}"]}}`);
      },
      { before: ['javascript'] },
    );
  },
};
