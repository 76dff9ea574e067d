import { CreateWizard } from "@/components/environments/wizard/create-wizard";
import { config } from "@/server/config";

export const metadata = { title: "Create environment" };

export default function NewEnvironmentPage() {
  // Each environment gets its own /24 of the pool; the wizard shows the addresses inside it.
  const [a, b] = config().PHLEET_SUBNET_POOL.split(".");
  return <CreateWizard subnetHint={`${a}.${b}.x`} />;
}
