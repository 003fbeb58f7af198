/**
 * How a filer's receiver checks a webhook from Vigil (docs/integration.md, "Verifying webhooks",
 * shows this very function, and the webhook tests verify every delivery with it). Self-contained on
 * purpose: it needs only the `standardwebhooks` package, so a filer can copy it as it is.
 */
import { Webhook } from 'standardwebhooks';

// --- begin: verifying webhooks (docs/integration.md) ---
/**
 * Checks a webhook's signature and age; returns the event, or throws WebhookVerificationError.
 * `rawBody` is the request body exactly as received (before any JSON parsing); `secret` is the
 * `whsec_…` value shown once when the endpoint was registered.
 */
export function verifyWebhook(
  secret: string,
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
): { type: string; timestamp: string; data: Record<string, unknown> } {
  const header = (name: string): string => {
    const value = headers[name];
    return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
  };
  return new Webhook(secret).verify(rawBody, {
    'webhook-id': header('webhook-id'),
    'webhook-timestamp': header('webhook-timestamp'),
    'webhook-signature': header('webhook-signature'),
  }) as { type: string; timestamp: string; data: Record<string, unknown> };
}
// --- end: verifying webhooks ---

export { WebhookVerificationError } from 'standardwebhooks';
