import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Comments on a TikTok account's own videos, as their own kind of conversation: one comment
 * thread per video (`tiktok_comment_threads`, newest activity first) holding its comments and
 * replies (`tiktok_comments`). Learnt from TikTok's comment webhook and from our own replies,
 * hides and deletes. TikTok's ids are unique per account; a comment arriving twice (webhook
 * redelivery, the webhook of our own reply) is one row.
 */
export class CreateTiktokComments1795402000000 implements MigrationInterface {
  name = 'CreateTiktokComments1795402000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tiktok_comment_threads (
        channel_account_id  uuid NOT NULL REFERENCES channel_accounts (id) ON DELETE CASCADE,
        video_id            text NOT NULL,
        comments            integer NOT NULL DEFAULT 0,
        last_comment_at     timestamptz NOT NULL,
        PRIMARY KEY (channel_account_id, video_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX tiktok_comment_threads_activity_idx
         ON tiktok_comment_threads (channel_account_id, last_comment_at DESC, video_id DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE tiktok_comments (
        channel_account_id  uuid NOT NULL,
        comment_id          text NOT NULL,
        video_id            text NOT NULL,
        parent_comment_id   text,
        author_user_id      text,
        author_username     text,
        text                text,
        own                 boolean NOT NULL DEFAULT false,
        visibility          text NOT NULL DEFAULT 'public'
                            CHECK (visibility IN ('public', 'hidden', 'deleted')),
        commented_at        timestamptz NOT NULL,
        updated_at          timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel_account_id, comment_id),
        FOREIGN KEY (channel_account_id, video_id)
          REFERENCES tiktok_comment_threads (channel_account_id, video_id) ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX tiktok_comments_thread_idx
         ON tiktok_comments (channel_account_id, video_id, commented_at DESC, comment_id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX tiktok_comments_author_idx
         ON tiktok_comments (channel_account_id, author_user_id) WHERE author_user_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE tiktok_comments`);
    await queryRunner.query(`DROP TABLE tiktok_comment_threads`);
  }
}
