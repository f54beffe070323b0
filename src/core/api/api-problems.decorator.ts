import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

class FieldErrorDoc {
  @ApiProperty({ example: 'name' })
  field!: string;

  @ApiProperty({ example: 'name must be longer than or equal to 2 characters' })
  message!: string;
}

/** Schema of every error body (RFC 7807 + `code`, `errors`, `traceId`). */
export class ProblemDetailsDoc {
  @ApiProperty({ example: 'https://omnihub.dev/problems/request-validation-failed' })
  type!: string;

  @ApiProperty({ example: 'Bad Request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'Invalid field: name' })
  detail!: string;

  @ApiProperty({
    example: 'REQUEST.VALIDATION_FAILED',
    description: 'Stable machine-readable code',
  })
  code!: string;

  @ApiPropertyOptional({ example: '/api/v2/tenants' })
  instance?: string;

  @ApiPropertyOptional({ type: [FieldErrorDoc], description: 'The first 20 field errors' })
  errors?: FieldErrorDoc[];

  @ApiPropertyOptional({
    example: 3,
    description: 'How many more field errors there were than `errors` lists',
  })
  errorsOmitted?: number;

  @ApiProperty({
    example: '3f0c2b8e-5b7a-4f2e-9a61-0d2f7c1f4b10',
    description: 'Same as the X-Request-Id header',
  })
  traceId!: string;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request; `errors[]` names each offending field',
  401: 'Missing, unknown, revoked or expired credential',
  403: 'The credential may not use this route',
  404: 'Not found, or owned by another tenant',
  409: 'Conflicts with the current state',
  412: 'If-Match names an older version than the current one',
  413: 'Body larger than BODY_LIMIT_BYTES',
  415: 'Content-Type is not application/json',
  422: 'Valid request that a business rule refuses',
  429: 'Rate limit reached; retry after `Retry-After` seconds',
  503: 'A dependency is unavailable; retry after `Retry-After` seconds',
};

/** Documents problem+json answers for the given statuses. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: {
          'application/problem+json': {
            schema: { $ref: '#/components/schemas/ProblemDetailsDoc' },
          },
        },
      }),
    ),
  );
}
