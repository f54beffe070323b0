import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '@core/errors/domain-error';
import { REQUEST_KEY_LIMITS, TooManyKeysError, keyLimitExcess } from './key-count';
import { firstUnstorableText } from './storable-text';

const CHECKED = new Set<ArgumentMetadata['type']>(['body', 'query', 'param']);
const NOT_DTOS = new Set<unknown>([Object, Array, String, Number, Boolean]);

/**
 * Runs before validation on every @Body, @Query and @Param and refuses, with a 400 naming the
 * field, input that used to answer 500 or hold the event loop:
 * - a DTO body that is not a JSON object: class-transformer turns an array into an array of
 *   DTOs, validated one by one (100,000 numbers cost seconds of CPU and an error each);
 * - more keys than any DTO has (REQUEST_KEY_LIMITS): 70,000 unknown keys cost 5 s of
 *   validation and a 4.9 MB answer; refused as REQUEST.TOO_MANY_KEYS naming the object;
 * - text PostgreSQL cannot store: U+0000 and unpaired UTF-16 surrogates made queries fail.
 */
@Injectable()
export class RequestInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (!CHECKED.has(metadata.type)) return value;
    const isDto = typeof metadata.metatype === 'function' && !NOT_DTOS.has(metadata.metatype);
    if (metadata.type === 'body' && isDto && value !== undefined && !isJsonObject(value)) {
      throw new ValidationFailedError([{ field: 'body', message: 'body must be a JSON object' }]);
    }
    const excess = keyLimitExcess(value, REQUEST_KEY_LIMITS, metadata.data, metadata.type);
    if (excess) throw new TooManyKeysError(excess);
    const field = firstUnstorableText(value, metadata.data ?? '');
    if (field !== undefined) {
      const name = field || metadata.type;
      throw new ValidationFailedError([
        { field: name, message: `${name} must not contain U+0000 or unpaired surrogates` },
      ]);
    }
    return value;
  }
}

function isJsonObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
