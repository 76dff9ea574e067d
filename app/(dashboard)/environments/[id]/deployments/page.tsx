import { DeploymentsPage } from "@/components/deployments/deployments-page";

export const metadata = { title: "Deployments" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <DeploymentsPage id={id} />;
}
