import { EnvironmentPage } from "@/components/environments/environment-page";

export const metadata = { title: "Environment" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EnvironmentPage id={id} />;
}
