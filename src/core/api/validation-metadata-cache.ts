import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type Lookup = MetadataStorage['getTargetValidationMetadatas'];

const CACHED = Symbol('omnihub.validationMetadataCache');

/**
 * class-validator finds a class's rules anew for every object it validates
 * (MetadataStorage.getTargetValidationMetadatas): it filters the class's own rules and tests
 * every class that has rules (82 here) with `instanceof` for inherited ones, once per object
 * and nested object of a request body. The rules of a class only change when a rule is
 * registered (a decorator running as a module loads, a mapped type being built), so the
 * answer is kept per class and options and forgotten whenever one is. Validating a send's body
 * (ValidationPipe.transform in a loop, the app's modules loaded) went from 33-52 to 22-28 us.
 */
export function useValidationMetadataCache(): void {
  const storage = getMetadataStorage();
  const marked = storage as MetadataStorage & { [CACHED]?: true };
  if (marked[CACHED]) return;
  marked[CACHED] = true;

  const found = new Map<unknown, Map<string, ValidationMetadata[]>>();
  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const options = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0000')}`;
    let byOptions = found.get(target);
    if (!byOptions) found.set(target, (byOptions = new Map<string, ValidationMetadata[]>()));
    let rules = byOptions.get(options);
    if (!rules) {
      rules = lookup(target, schema, always, strictGroups, groups);
      byOptions.set(options, rules);
    }
    // A copy: a caller may change what it was given, never what the next one gets.
    return [...rules];
  };

  const register = storage.addValidationMetadata.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    found.clear();
    register(metadata);
  };
}
