import { Body, Get, HttpCode, Param, Post, Res, StreamableFile } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { servedMediaHeaders } from '@core/api/served-media';
import { UuidPipe } from '@core/api/uuid.pipe';
import { TenantId } from '@core/auth/auth.decorators';
import { UploadMediaDto } from './whatsapp.dto';
import { WhatsappMediaService } from './whatsapp-media.service';

@ApiV2Controller('whatsapp', 'whatsapp')
export class WhatsappMediaController {
  constructor(private readonly media: WhatsappMediaService) {}

  @Get('messages/:id/media')
  @ApiOperation({
    summary: "A received message's media file (image, audio, video, document, sticker)",
    description:
      'Streamed from Meta. Raster images, audio and video are served inline, anything else ' +
      '(SVG, HTML, documents) as an attachment, always with nosniff. A file over ' +
      'MEDIA_DOWNLOAD_MAX_BYTES answers 422 WHATSAPP.MEDIA_TOO_LARGE when its size is known ' +
      'beforehand; otherwise the download is cut off, short of its Content-Length.',
  })
  @ApiOkResponse({ description: 'The file, with its Content-Type' })
  @ApiProblems(400, 404, 422)
  async download(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const file = await this.media.download(tenantId, id);
    void reply
      .headers(
        servedMediaHeaders({
          mimeType: file.mimeType,
          filename: file.filename,
          contentLength: file.contentLength,
        }),
      )
      .header('cache-control', 'private, max-age=3600');
    return new StreamableFile(file.body);
  }

  @Post('media')
  @ApiOperation({ summary: 'Upload a file to send later by its mediaId' })
  @ApiCreatedResponse({ description: '{ mediaId }' })
  @ApiProblems(400, 404, 413, 422)
  upload(@TenantId() tenantId: string, @Body() body: UploadMediaDto): Promise<{ mediaId: string }> {
    return this.media.upload(tenantId, body.instanceId, {
      body: Buffer.from(body.data, 'base64'),
      mimeType: body.mimeType,
      filename: body.filename,
    });
  }

  @Post('messages/:id/read')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark a received message as read (blue ticks)' })
  @ApiNoContentResponse()
  @ApiProblems(400, 404, 422)
  markAsRead(@TenantId() tenantId: string, @Param('id', UuidPipe) id: string): Promise<void> {
    return this.media.markAsRead(tenantId, id);
  }
}
