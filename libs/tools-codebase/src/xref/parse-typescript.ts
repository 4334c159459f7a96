import ts from 'typescript';
import type { Definition, ImportRecord, ParsedFile } from './model';

/** The script kind the parser needs, by extension: JSX must be parsed as JSX. */
function scriptKind(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/** Every name a binding (`a`, `{ a, b: c }`, `[d, ...e]`) declares. */
function boundNames(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((element) =>
    ts.isOmittedExpression(element) ? [] : boundNames(element.name),
  );
}

/** The name of a property access or qualified name when `node` is its left side. */
function memberOf(node: ts.Identifier): string | undefined {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) return parent.name.text;
  if (ts.isQualifiedName(parent) && parent.left === node) return parent.right.text;
  return undefined;
}

/** True when an identifier is a property or member name, not a use of a variable. */
function isPropertyName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) {
    return (ts.isPropertyAccessExpression(parent) ? parent.name : parent.right) === node;
  }
  if (ts.isExportSpecifier(parent) || ts.isImportSpecifier(parent)) return true;
  if (ts.isBindingElement(parent) && parent.propertyName === node) return true;
  return (
    (ts.isPropertyAssignment(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessor(parent) ||
      ts.isSetAccessor(parent) ||
      ts.isEnumMember(parent) ||
      ts.isBindingElement(parent)) &&
    parent.name === node
  );
}

/**
 * Parses one TypeScript or JavaScript file with the compiler's parser alone (no program,
 * no type checker: each file stands on its own, so thousands parse in seconds) and
 * collects its imports (static, `export … from`, `require`, `import()`, `import x =
 * require`), its top-level declarations and exports, and every use of an imported name.
 * Uses are found by name, without scopes: a local that shadows an import counts as a
 * use of the import. That is the price of not running the checker.
 */
export function parseTypeScript(path: string, text: string): ParsedFile {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(path));
  const lineOf = (node: ts.Node) =>
    source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const file: ParsedFile = {
    path,
    language: 'typescript',
    definitions: [],
    imports: [],
    exports: new Map(),
    reexports: [],
    usages: [],
  };
  const imported = new Set<string>();

  const define = (name: string, at: ts.Node, statement: ts.Node) => {
    const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
    const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
    const definition: Definition = { name, line: lineOf(at), exported };
    file.definitions.push(definition);
    if (exported) file.exports.set(isDefault ? 'default' : name, name);
  };
  const addImport = (specifier: string, at: ts.Node, bindings: ImportRecord['bindings'] = []) => {
    file.imports.push({ specifier, line: lineOf(at), bindings });
    for (const binding of bindings) imported.add(binding.local);
  };

  for (const statement of source.statements) topLevel(statement);
  visit(source);
  return file;

  function topLevel(statement: ts.Statement): void {
    if (ts.isImportDeclaration(statement)) {
      if (!ts.isStringLiteral(statement.moduleSpecifier)) return;
      const clause = statement.importClause;
      const bindings: ImportRecord['bindings'] = [];
      if (clause?.name) bindings.push({ local: clause.name.text, imported: 'default' });
      const named = clause?.namedBindings;
      if (named && ts.isNamespaceImport(named))
        bindings.push({ local: named.name.text, imported: '*' });
      if (named && ts.isNamedImports(named)) {
        for (const element of named.elements) {
          const name = (element.propertyName ?? element.name).text;
          bindings.push({ local: element.name.text, imported: name });
        }
      }
      addImport(statement.moduleSpecifier.text, statement, bindings);
    } else if (ts.isImportEqualsDeclaration(statement)) {
      const reference = statement.moduleReference;
      if (ts.isExternalModuleReference(reference) && ts.isStringLiteral(reference.expression)) {
        addImport(reference.expression.text, statement, [
          { local: statement.name.text, imported: '*' },
        ]);
      }
    } else if (ts.isExportDeclaration(statement)) {
      exportDeclaration(statement);
    } else if (ts.isExportAssignment(statement)) {
      if (ts.isIdentifier(statement.expression)) {
        file.exports.set('default', statement.expression.text);
      } else {
        file.definitions.push({ name: 'default', line: lineOf(statement), exported: true });
        file.exports.set('default', 'default');
      }
    } else if (
      ts.isFunctionDeclaration(statement) ||
      ts.isClassDeclaration(statement) ||
      ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) ||
      ts.isEnumDeclaration(statement)
    ) {
      define(statement.name?.text ?? 'default', statement.name ?? statement, statement);
    } else if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name)) {
      define(statement.name.text, statement.name, statement);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        for (const name of boundNames(declaration.name)) define(name.text, name, statement);
      }
    }
  }

  function exportDeclaration(statement: ts.ExportDeclaration): void {
    const clause = statement.exportClause;
    if (!statement.moduleSpecifier) {
      if (clause && ts.isNamedExports(clause)) {
        for (const element of clause.elements) {
          file.exports.set(element.name.text, (element.propertyName ?? element.name).text);
        }
      }
      return;
    }
    if (!ts.isStringLiteral(statement.moduleSpecifier)) return;
    const specifier = statement.moduleSpecifier.text;
    addImport(specifier, statement);
    if (!clause) file.reexports.push({ specifier, exported: '*', imported: '*' });
    else if (ts.isNamespaceExport(clause)) {
      file.reexports.push({ specifier, exported: clause.name.text, imported: '*' });
    } else {
      for (const element of clause.elements) {
        const name = (element.propertyName ?? element.name).text;
        file.reexports.push({ specifier, exported: element.name.text, imported: name });
      }
    }
  }

  function visit(node: ts.Node): void {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (ts.isImportEqualsDeclaration(node)) return;
    if (ts.isCallExpression(node)) call(node);
    else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) {
        addImport(argument.literal.text, node);
      }
    } else if (ts.isIdentifier(node) && imported.has(node.text) && !isPropertyName(node)) {
      const member = memberOf(node);
      file.usages.push(member === undefined ? { local: node.text } : { local: node.text, member });
    }
    ts.forEachChild(node, visit);
  }

  function call(node: ts.CallExpression): void {
    const [argument] = node.arguments;
    if (!argument || !ts.isStringLiteralLike(argument)) return;
    if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      addImport(argument.text, node);
    } else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') {
      const parent = node.parent;
      const bindings =
        ts.isVariableDeclaration(parent) && parent.initializer === node
          ? requireBindings(parent.name)
          : [];
      addImport(argument.text, node, bindings);
    }
  }
}

/** `const x = require(…)` binds the module; `const { a, b: c } = require(…)` binds members. */
function requireBindings(name: ts.BindingName): ImportRecord['bindings'] {
  if (ts.isIdentifier(name)) return [{ local: name.text, imported: '*' }];
  if (!ts.isObjectBindingPattern(name)) return [];
  return name.elements.flatMap((element) => {
    if (!ts.isIdentifier(element.name)) return [];
    const property = element.propertyName;
    const importedName = property && ts.isIdentifier(property) ? property.text : element.name.text;
    return [{ local: element.name.text, imported: importedName }];
  });
}
