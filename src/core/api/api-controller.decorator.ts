import { Controller, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from './api-problems.decorator';

/**
 * A versioned `/api/v2/<path>` controller with the auth schemes and the error answers every
 * authenticated route can give, documented once.
 */
export function ApiV2Controller(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    Controller({ path, version: '2' }),
    ApiTags(tag),
    ApiBearerAuth('bearer'),
    ApiSecurity('api-key'),
    ApiProblems(401, 403, 429),
  );
}
