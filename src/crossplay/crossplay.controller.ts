import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators.js';
import { accepts, type Family, FAMILY_BITS, familyBits, PLATFORMS } from './crossplay.js';
import { CrossplayService } from './crossplay.service.js';
import { CompatibilityRequestDto, CompatibilityResponseDto, PlatformFamiliesDto } from './dto/crossplay.dto.js';

@ApiTags('Crossplay')
@Controller('crossplay')
export class CrossplayController {
  constructor(private readonly crossplay: CrossplayService) {}

  /** How platforms group into the families crossplay preferences name. */
  @Get('v1/platform-families')
  @Auth('crossplay:read')
  @ApiOperation({ summary: 'Platform families' })
  families(): PlatformFamiliesDto {
    const names = Object.keys(FAMILY_BITS) as Family[];
    return {
      families: Object.fromEntries(names.map((f) => [f, [...this.crossplay.families[f]]])),
      platforms: PLATFORMS.map((platform) => {
        const bits = familyBits(platform, this.crossplay.families);
        return { platform, families: names.filter((f) => (bits & FAMILY_BITS[f]) !== 0) };
      }),
    };
  }

  /** Whether two players may share a session, by the same rule create-or-join applies. */
  @Post('v1/compatibility')
  @HttpCode(200)
  @Auth('crossplay:read')
  @ApiOperation({ summary: 'Check two players for crossplay compatibility' })
  compatibility(@Body() body: CompatibilityRequestDto): CompatibilityResponseDto {
    const a = this.crossplay.resolve(body.a.client_settings, body.a.crossplay_preferences).profile;
    const b = this.crossplay.resolve(body.b.client_settings, body.b.crossplay_preferences).profile;
    const aAcceptsB = accepts(a, b);
    const bAcceptsA = accepts(b, a);
    return { compatible: aAcceptsB && bAcceptsA, a_accepts_b: aAcceptsB, b_accepts_a: bAcceptsA };
  }
}
