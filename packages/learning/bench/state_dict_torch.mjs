#!/usr/bin/env node
// Checks that a `Network` state dict loads into PyTorch: writes the safetensors bytes of a 20-8-3 Leaky network,
// then runs Python (torch, no safetensors package needed: the format is read with the standard library) to load
// them with `load_state_dict(strict=True)` into an `nn.Module` of `nn.Linear` layers and modules registering the
// buffers snnTorch 0.9's `snn.Leaky` registers (threshold, graded_spikes_factor, reset_mechanism_val, beta), and
// compares fc1's output on one input with ours. Imports the built package: build @snn/learning first.
// Usage: node bench/state_dict_torch.mjs [--python /usr/bin/python3]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { torchPeerEnv } from '../../../scripts/torch-peer.mjs';
import { Linear, leaky, Network } from '../dist/index.node.js';

const { values: args } = parseArgs({ options: { python: { type: 'string', default: '/usr/bin/python3' } } });
const dir = mkdtempSync(join(tmpdir(), 'snn-state-dict-'));
try {
  const net = new Network([new Linear(20, 8, { name: 'fc1' }), leaky({ beta: 0.95, name: 'lif1' }), new Linear(8, 3, { name: 'fc2' }), leaky({ beta: 0.9, name: 'lif2', resetMechanism: 'zero' })], {
    inputShape: [20],
    seed: 3,
  });
  writeFileSync(join(dir, 'net.safetensors'), net.stateDictBytes());
  const x = Float32Array.from({ length: 20 }, (_, i) => ((i * 7) % 5) / 4);
  const fc1 = new Network([new Linear(20, 8, { name: 'fc1' })], { inputShape: [20] });
  fc1.loadStateDict({ 'fc1.weight': net.stateDict()['fc1.weight'], 'fc1.bias': net.stateDict()['fc1.bias'] });
  writeFileSync(join(dir, 'fc1.json'), JSON.stringify(Array.from(fc1.forward({ data: x, steps: 1, batch: 1, shape: [20] }).mem)));
  const script = `
import json, struct, sys, numpy as np, torch, torch.nn as nn
d = sys.argv[1]
raw = open(d + '/net.safetensors', 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n]); data = raw[8 + n:]
dt = {'F32': np.float32, 'I32': np.int32, 'F64': np.float64}
sd = {k: torch.from_numpy(np.frombuffer(data[v['data_offsets'][0]:v['data_offsets'][1]], dt[v['dtype']]).reshape(v['shape']).copy()) for k, v in header.items() if k != '__metadata__'}
class Leaky(nn.Module):
    def __init__(self):
        super().__init__()
        for name, value in (('threshold', 1.0), ('graded_spikes_factor', 1.0), ('reset_mechanism_val', 0), ('beta', 0.5)):
            self.register_buffer(name, torch.as_tensor(value))
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.lif1, self.fc2, self.lif2 = nn.Linear(20, 8), Leaky(), nn.Linear(8, 3), Leaky()
net = Net()
result = net.load_state_dict(sd, strict=True)
x = torch.tensor([((i * 7) % 5) / 4 for i in range(20)], dtype=torch.float32)
ours = torch.tensor(json.load(open(d + '/fc1.json')))
print(json.dumps({'strict_load': str(result), 'fc1_max_abs_diff': (net.fc1(x) - ours).abs().max().item(), 'lif2_beta': net.lif2.beta.item(), 'lif2_reset_mechanism_val': net.lif2.reset_mechanism_val.item()}))
`;
  const run = spawnSync(args.python, ['-c', script, dir], { encoding: 'utf8', env: torchPeerEnv() });
  if (run.status !== 0) {
    console.log(`PyTorch check skipped or failed: ${run.stderr.trim().split('\n').pop()}`);
    process.exitCode = 1;
  } else console.log(run.stdout.trim());
} finally {
  rmSync(dir, { recursive: true, force: true });
}
