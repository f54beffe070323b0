import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { servedMediaHeaders } from '@core/api/served-media';
import { Public } from '@core/auth/auth.decorators';
import { UnauthenticatedError } from '@core/errors/domain-error';
import { UuidPipe } from '@core/api/uuid.pipe';
import { MediaLinkParams, MediaLinks } from './media-links';
import { SignedMedia } from './signed-media';

/**
 * The file behind a signed media link. No API key: the signature is the credential, checked
 * before anything is looked up, so a forged, altered or expired link answers 401 whether the
 * message exists or not and a guesser learns nothing.
 */
@Controller({ path: 'media', version: '2' })
@ApiTags('messaging')
export class SignedMediaController {
  constructor(
    private readonly links: MediaLinks,
    private readonly media: SignedMedia,
  ) {}

  @Get(':id')
  @Public()
  @ApiOperation({
    summary: "A received message's media by signed link (no API key)",
    description:
      'Links are handed to platforms that fetch files by URL (Bitrix24 open lines) and expire ' +
      'after MEDIA_LINK_TTL_SECONDS. Streamed from the platform the message came from; served ' +
      'like GET /api/v2/whatsapp/messages/:id/media (inline only for raster images, audio and ' +
      'video; nosniff; capped at MEDIA_DOWNLOAD_MAX_BYTES).',
  })
  @ApiOkResponse({ description: 'The file, with its Content-Type' })
  @ApiProblems(400, 401, 404, 422)
  async download(
    @Param('id', UuidPipe) id: string,
    @Query() query: Partial<MediaLinkParams>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const claim = this.links.verify(id, query);
    if (!claim) {
      throw new UnauthenticatedError(
        'The media link is invalid or has expired',
        'MESSAGING.MEDIA_LINK_INVALID',
      );
    }
    const file = await this.media.open(claim);
    void reply
      .headers(
        servedMediaHeaders({
          mimeType: file.mimeType,
          filename: file.filename,
          contentLength: file.contentLength,
        }),
      )
      .header('cache-control', 'private, max-age=300');
    return new StreamableFile(file.body);
  }
}
