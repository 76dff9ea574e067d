import { StatsPageHeader } from "@/components/stats/stats-page-header";
import { StatsPanel } from "@/components/stats/stats-panel";

export const metadata = { title: "Statistics" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <div className="flex flex-col gap-6">
      <StatsPageHeader environmentId={id} />
      <StatsPanel environmentId={id} />
    </div>
  );
}
