import { CertificateInput } from "@/server/contracts/https";
import { json, parseBody, route } from "@/server/http/route";
import { getCertificate, putCertificate } from "@/server/https/service";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async ({ params }) => json(await getCertificate(params.id)));

export const PUT = route<{ id: string }>(async ({ req, params }) => {
  const { status, body } = await putCertificate(params.id, await parseBody(req, CertificateInput));
  return json(body, status);
});
