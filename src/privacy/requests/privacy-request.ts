import type { ErasureReceipt } from '@core/privacy/privacy-contributor';

export type PrivacyRequestType = 'export' | 'erasure';
export type PrivacyRequestStatus = 'pending' | 'processing' | 'completed' | 'failed';

export interface PrivacyRequestRow {
  id: string;
  tenantId: string;
  type: PrivacyRequestType;
  contactId: string;
  status: PrivacyRequestStatus;
  dueAt: Date;
  errorCode: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface ReceiptRow {
  contributor: string;
  receipt: ErasureReceipt;
  createdAt: Date;
}
