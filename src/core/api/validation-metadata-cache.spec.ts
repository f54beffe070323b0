import {
  getMetadataStorage,
  IsInt,
  IsString,
  MetadataStorage,
  registerDecorator,
  validate,
} from 'class-validator';
import { useValidationMetadataCache } from './validation-metadata-cache';

class Base {
  @IsString()
  name!: string;
}

class Derived extends Base {
  @IsInt({ groups: ['strict'] })
  count!: number;
}

class Probe {
  @IsString()
  first!: string;
}

type Rules = ReturnType<MetadataStorage['getTargetValidationMetadatas']>;
const namesOf = (rules: Rules) => rules.map((rule) => `${rule.propertyName}:${rule.name}`).sort();

describe('useValidationMetadataCache', () => {
  // This test file's own global storage (jest gives each file its own globals).
  const storage = getMetadataStorage();
  const cached = (target: new () => unknown, groups?: string[]) =>
    namesOf(storage.getTargetValidationMetadatas(target, '', false, false, groups));
  const uncached = (target: new () => unknown, groups?: string[]) =>
    namesOf(
      MetadataStorage.prototype.getTargetValidationMetadatas.call(
        storage,
        target,
        '',
        false,
        false,
        groups,
      ),
    );

  beforeAll(() => useValidationMetadataCache());

  it('answers what class-validator answers, inherited rules and groups included', () => {
    for (const groups of [undefined, ['strict'], ['other']]) {
      expect(cached(Derived, groups)).toEqual(uncached(Derived, groups));
      expect(cached(Derived, groups)).toEqual(uncached(Derived, groups));
    }
    expect(cached(Derived)).toEqual(['count:isInt', 'name:isString']);
  });

  it('keeps an answer until a rule is registered', () => {
    expect(cached(Probe)).toEqual(['first:isString']);
    const internal = storage as unknown as { validationMetadatas: Map<unknown, Rules> };
    const [rule] = internal.validationMetadatas.get(Probe)!;
    const second = Object.assign(Object.create(rule) as Rules[number], { propertyName: 'second' });

    internal.validationMetadatas.get(Probe)!.push(second); // behind the storage's back: unseen
    expect(cached(Probe)).toEqual(['first:isString']);

    internal.validationMetadatas.get(Probe)!.pop();
    storage.addValidationMetadata(second); // registered: seen at once
    expect(cached(Probe)).toEqual(['first:isString', 'second:isString']);
  });

  it('hands each caller its own array', () => {
    storage.getTargetValidationMetadatas(Derived, '', false, false).length = 0;
    expect(cached(Derived)).toHaveLength(2);
  });

  it('installs once', () => {
    const installed = storage.getTargetValidationMetadatas;
    useValidationMetadataCache();
    expect(storage.getTargetValidationMetadatas).toBe(installed);
  });

  it('leaves validation working, a decorator registered after the first one included', async () => {
    const failed = await validate(Object.assign(new Derived(), { name: 7 }));
    expect(failed.map((error) => error.property).sort()).toEqual(['count', 'name']);
    class Late {
      value!: unknown;
    }
    registerDecorator({
      target: Late,
      propertyName: 'value',
      validator: { validate: (value: unknown) => value === 'ok' },
    });
    expect(await validate(Object.assign(new Late(), { value: 'no' }))).toHaveLength(1);
    expect(await validate(Object.assign(new Late(), { value: 'ok' }))).toHaveLength(0);
  });
});
